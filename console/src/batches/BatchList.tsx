import {
  Button,
  Link,
  Pagination,
  Select,
  SelectItem,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
} from '@carbon/react';
import { Add } from '@carbon/react/icons';
import { BATCH_STATES, type BatchOperation, type BatchState, FINAL_BATCH_STATES } from '../api/types.ts';
import { BatchStateTag } from '../components/BatchStateTag.tsx';
import { TableStates, tableStateOf } from '../components/TableStates.tsx';
import { OPERATIONS, operationLabel } from '../operations.ts';
import { formatDate } from '../progress.ts';
import { useBatchList } from '../queries/batchOperations.ts';
import { href, navigate, type Route } from '../router.ts';
import { BatchProgress } from './BatchProgress.tsx';

const RUNNING: BatchState[] = ['CREATED', 'ACTIVE', 'SUSPENDED'];
const PAGE_SIZE = 10;

type ListRoute = Extract<Route, { view: 'batches' }>;

/** Running batches first, then the finished ones; filter by type and state; page and filters in the URL. */
export function BatchList({ route }: { route: ListRoute }) {
  const states = (group: BatchState[]) =>
    route.state ? group.filter((state) => state === route.state) : group;
  const filterOf = (group: BatchState[]) => ({
    state: { $in: states(group) },
    ...(route.type ? { operationType: route.type } : {}),
  });
  const runningPage = route.runningPage ?? 1;
  const running = useBatchList({
    filter: filterOf(RUNNING),
    sort: [{ field: 'startDate', order: 'DESC' }],
    page: { from: (runningPage - 1) * PAGE_SIZE, limit: PAGE_SIZE },
  });
  // Running batches end up here: follow them while there are any.
  const finished = useBatchList(
    {
      filter: filterOf([...FINAL_BATCH_STATES]),
      sort: [{ field: 'endDate', order: 'DESC' }],
      page: { from: (route.page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
    },
    (running.data?.items.length ?? 0) > 0,
  );
  const go = (patch: Partial<ListRoute>) => navigate({ ...route, page: 1, runningPage: 1, ...patch });

  return (
    <section aria-labelledby="batches-heading">
      <h1 id="batches-heading" className="page-heading">
        Batch operations
      </h1>
      <div className="toolbar">
        <Select
          id="list-type"
          labelText="Type"
          value={route.type}
          onChange={(event) => go({ type: event.target.value })}
        >
          <SelectItem value="" text="Every type" />
          {OPERATIONS.map((operation) => (
            <SelectItem key={operation.type} value={operation.type} text={operation.label} />
          ))}
        </Select>
        <Select
          id="list-state"
          labelText="State"
          value={route.state}
          onChange={(event) => go({ state: event.target.value })}
        >
          <SelectItem value="" text="Every state" />
          {BATCH_STATES.map((state) => (
            <SelectItem key={state} value={state} text={state} />
          ))}
        </Select>
        <Button renderIcon={Add} href={href({ view: 'new' })}>
          New batch
        </Button>
      </div>

      {states(RUNNING).length > 0 && (
        <>
          <h2 className="section-heading">Running</h2>
          <TableStates
            state={tableStateOf(running)}
            error={running.error}
            columns={7}
            label="Running batches"
            empty={<p>No batch is running. Start one with “New batch”.</p>}
          >
            <BatchTable batches={running.data?.items ?? []} title="Running batches" finished={false} />
            {(running.data?.page.totalItems ?? 0) > PAGE_SIZE && (
              <Pagination
                page={runningPage}
                pageSize={PAGE_SIZE}
                pageSizes={[PAGE_SIZE]}
                totalItems={running.data?.page.totalItems ?? 0}
                onChange={({ page }) => navigate({ ...route, runningPage: page })}
              />
            )}
          </TableStates>
        </>
      )}
      {states([...FINAL_BATCH_STATES]).length > 0 && (
        <>
          <h2 className="section-heading">Finished</h2>
          <TableStates
            state={tableStateOf(finished)}
            error={finished.error}
            columns={8}
            label="Finished batches"
            empty={<p>No finished batch{route.type || route.state ? ' matches these filters' : ' yet'}.</p>}
          >
            <BatchTable batches={finished.data?.items ?? []} title="Finished batches" finished />
            <Pagination
              page={route.page}
              pageSize={PAGE_SIZE}
              pageSizes={[PAGE_SIZE]}
              totalItems={finished.data?.page.totalItems ?? 0}
              onChange={({ page }) => navigate({ ...route, page })}
            />
          </TableStates>
        </>
      )}
    </section>
  );
}

function BatchTable({
  batches,
  title,
  finished,
}: {
  batches: BatchOperation[];
  title: string;
  finished: boolean;
}) {
  const headers = [
    'Key',
    'Type',
    'State',
    'Progress',
    'Completed',
    'Failed',
    // A finished batch has nothing pending: what it did not process was canceled or never ran.
    finished ? 'Not processed' : 'Pending',
    'Actor',
    'Started',
    ...(finished ? ['Ended'] : []),
  ];
  return (
    <TableContainer>
      <Table aria-label={title} size="md">
        <TableHead>
          <TableRow>
            {headers.map((header) => (
              <TableHeader key={header}>{header}</TableHeader>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {batches.map((batch) => {
            const pending = Math.max(
              0,
              batch.operationsTotalCount - batch.operationsCompletedCount - batch.operationsFailedCount,
            );
            return (
              <TableRow key={batch.batchOperationKey} data-batch-key={batch.batchOperationKey}>
                <TableCell>
                  <Link href={href({ view: 'batch', key: batch.batchOperationKey })}>
                    {batch.batchOperationKey}
                  </Link>
                </TableCell>
                <TableCell>{operationLabel(batch.batchOperationType)}</TableCell>
                <TableCell>
                  <BatchStateTag state={batch.state} />
                </TableCell>
                <TableCell className="progress-cell">
                  <BatchProgress batch={batch} label={`Progress of batch ${batch.batchOperationKey}`} />
                </TableCell>
                <TableCell>{batch.operationsCompletedCount}</TableCell>
                <TableCell>{batch.operationsFailedCount}</TableCell>
                <TableCell>{pending}</TableCell>
                <TableCell>{batch.actorId ?? '—'}</TableCell>
                <TableCell>{formatDate(batch.startDate)}</TableCell>
                {finished && <TableCell>{formatDate(batch.endDate)}</TableCell>}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
