import { FileUploaderButton, InlineLoading, RadioButton, RadioButtonGroup } from '@carbon/react';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import type { FlowNode } from '../bpmn/BpmnDiagram.ts';
import type { ElementPair } from '../operations.ts';
import { useActiveElementCounts, useDefinitionXml } from '../queries/wizard.ts';

// bpmn-js is loaded only when a diagram is shown (modification and migration).
const DiagramView = lazy(() =>
  import('../bpmn/DiagramView.tsx').then((module) => ({ default: module.DiagramView })),
);

/** Which end of the last row a click on a diagram sets: one of them, or either by a switch. */
export type DiagramPicks = 'source' | 'target' | 'either';

const LABELS: Record<DiagramPicks, { section: string; diagram: string }> = {
  either: {
    section: 'Process diagram',
    diagram: 'Diagram of the process definition, with the number of active instances on each element',
  },
  source: {
    section: 'Source process diagram',
    diagram: 'Diagram of the source definition, with the number of active instances on each element',
  },
  target: {
    section: 'Target process diagram',
    diagram: 'Diagram of the target definition: a click sets the target element',
  },
};

/**
 * A definition's diagram with the active instances per element; a click sets the source or the
 * target of the last row: the side `picks` names (a migration draws its source and its target, each
 * setting its own side), or, for one definition, either side by a switch. Its elements are offered
 * as the datalist `listId`. When the API serves no BPMN, the operator may open the file.
 */
export function DefinitionDiagram({
  processDefinitionKey,
  picks,
  listId,
  pairs,
  onPairsChange,
}: {
  processDefinitionKey: string;
  picks: DiagramPicks;
  listId: string;
  pairs: ElementPair[];
  onPairsChange: (pairs: ElementPair[]) => void;
}) {
  const served = useDefinitionXml(processDefinitionKey);
  const [opened, setOpened] = useState<{ key: string; xml: string }>();
  const xml = served.data ?? (opened?.key === processDefinitionKey ? opened.xml : undefined);
  const [elements, setElements] = useState<FlowNode[]>([]);
  const [switched, setSwitched] = useState<'source' | 'target'>('source');
  const picking = picks === 'either' ? switched : picks;
  const elementIds = useMemo(() => elements.map((element) => element.id), [elements]);
  const counts = useActiveElementCounts(processDefinitionKey, elementIds);

  const onElements = useCallback((found: FlowNode[]) => setElements(found), []);
  const onElementClick = (elementId: string) => {
    const last = pairs.length - 1;
    const field = picking === 'source' ? 'sourceElementId' : 'targetElementId';
    onPairsChange(pairs.map((pair, index) => (index === last ? { ...pair, [field]: elementId } : pair)));
    setSwitched(picking === 'source' ? 'target' : 'source');
  };
  const picked = useMemo(
    () =>
      pairs.flatMap((pair) => [
        ...(picks !== 'target' ? [{ id: pair.sourceElementId, marker: 'picked-source' as const }] : []),
        ...(picks !== 'source' ? [{ id: pair.targetElementId, marker: 'picked-target' as const }] : []),
      ]),
    [pairs, picks],
  );

  return (
    <section aria-label={LABELS[picks].section}>
      {served.isPending && <InlineLoading description="Loading the diagram…" />}
      {!xml && served.isError && (
        <div className="empty-state">
          <p>
            The API does not serve this definition's BPMN (GET /v2/process-definitions/{processDefinitionKey}
            /xml answered {(served.error as { status?: number }).status ?? 'with an error'}). Open the
            deployed BPMN file to see the diagram and pick elements on it, or type the element ids below.
          </p>
          <FileUploaderButton
            labelText="Open BPMN file"
            accept={['.bpmn', '.xml']}
            buttonKind="tertiary"
            size="sm"
            disableLabelChanges
            onChange={async (event: { target: HTMLInputElement }) => {
              const file = event.target.files?.[0];
              if (file) setOpened({ key: processDefinitionKey, xml: await file.text() });
            }}
          />
        </div>
      )}
      {xml && (
        <>
          {picks === 'either' ? (
            <RadioButtonGroup
              legendText="A click on the diagram sets the last row's"
              name="diagram-picks"
              valueSelected={picking}
              onChange={(value) => setSwitched(value as 'source' | 'target')}
            >
              <RadioButton id="pick-source" labelText="source element" value="source" />
              <RadioButton id="pick-target" labelText="target element" value="target" />
            </RadioButtonGroup>
          ) : (
            <p className="cds--label">
              {picks === 'source'
                ? "Source: a click sets the last row's source element"
                : "Target: a click sets the last row's target element"}
            </p>
          )}
          <Suspense fallback={<InlineLoading description="Loading the diagram viewer…" />}>
            <DiagramView
              xml={xml}
              counts={counts.data}
              picked={picked}
              onElementClick={onElementClick}
              onElements={onElements}
              label={LABELS[picks].diagram}
            />
          </Suspense>
          <p aria-live="polite">
            {counts.data
              ? Object.keys(counts.data).length === 0
                ? 'No active instance of this definition is at any element.'
                : `Active instances: ${Object.entries(counts.data)
                    .map(([id, count]) => `${id} ${count}`)
                    .join(', ')}`
              : 'Counting the active instances per element…'}
          </p>
        </>
      )}
      <datalist id={listId}>
        {elements.map((element) => (
          <option key={element.id} value={element.id}>
            {element.name ?? element.type}
          </option>
        ))}
      </datalist>
    </section>
  );
}
