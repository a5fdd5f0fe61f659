import {
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
import { useState } from 'react';
import { ITEM_STATES } from '../api/types.ts';
import { BatchStateTag } from '../components/BatchStateTag.tsx';
import { TableStates, tableStateOf } from '../components/TableStates.tsx';
import { formatDate } from '../progress.ts';
import { useBatchItems } from '../queries/batchOperations.ts';
import { href } from '../router.ts';

const PAGE_SIZES = [10, 25, 50];

/** The batch's items, filtered by state and paged; live while the batch runs. */
export function BatchItems({ batchOperationKey, live }: { batchOperationKey: string; live: boolean }) {
  const [state, setState] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  const items = useBatchItems(
    {
      filter: { batchOperationKey, ...(state ? { state } : {}) },
      page: { from: (page - 1) * pageSize, limit: pageSize },
    },
    live,
  );
  return (
    <>
      <div className="toolbar">
        <Select
          id="items-state"
          labelText="Item state"
          value={state}
          onChange={(event) => {
            setState(event.target.value);
            setPage(1);
          }}
        >
          <SelectItem value="" text="Every state" />
          {ITEM_STATES.map((itemState) => (
            <SelectItem
              key={itemState}
              value={itemState}
              text={itemState === 'ACTIVE' ? 'ACTIVE (pending)' : itemState}
            />
          ))}
        </Select>
      </div>
      <TableStates
        state={tableStateOf(items)}
        error={items.error}
        columns={4}
        label="Items"
        empty={
          <p>
            {state
              ? `No item is ${state}.`
              : live
                ? 'No item yet: the batch is still collecting them.'
                : 'This batch has no item.'}
          </p>
        }
      >
        <TableContainer>
          <Table aria-label="Items of the batch" size="sm">
            <TableHead>
              <TableRow>
                <TableHeader>Process instance</TableHeader>
                <TableHeader>State</TableHeader>
                <TableHeader>Processed</TableHeader>
                <TableHeader>Error message</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.data?.items.map((item) => (
                <TableRow key={item.itemKey}>
                  <TableCell>
                    <Link href={href({ view: 'instance', key: item.processInstanceKey })}>
                      {item.processInstanceEngineId ?? item.processInstanceKey}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <BatchStateTag state={item.state} item />
                  </TableCell>
                  <TableCell>{formatDate(item.processedDate)}</TableCell>
                  <TableCell>{item.errorMessage ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        <Pagination
          page={page}
          pageSize={pageSize}
          pageSizes={PAGE_SIZES}
          totalItems={items.data?.page.totalItems ?? 0}
          onChange={({ page: nextPage, pageSize: nextSize }) => {
            setPage(nextPage);
            setPageSize(nextSize);
          }}
        />
      </TableStates>
    </>
  );
}
