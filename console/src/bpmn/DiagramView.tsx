import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { InlineLoading } from '@carbon/react';
import { useEffect, useRef, useState } from 'react';
import { BpmnDiagram, type FlowNode } from './BpmnDiagram.ts';

/** The thin React side of BpmnDiagram: one viewer per mount, destroyed on unmount. */
export function DiagramView({
  xml,
  counts,
  picked,
  onElementClick,
  onElements,
  label,
}: {
  xml: string;
  counts?: Record<string, number>;
  picked: { id: string; marker: 'picked-source' | 'picked-target' }[];
  onElementClick: (elementId: string) => void;
  onElements: (elements: FlowNode[]) => void;
  label: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const diagram = useRef<BpmnDiagram>(undefined);
  const clickHandler = useRef(onElementClick);
  clickHandler.current = onElementClick;
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string>();

  useEffect(() => {
    const viewer = new BpmnDiagram(container.current as HTMLElement, (id) => clickHandler.current(id));
    diagram.current = viewer;
    return () => {
      viewer.destroy();
      diagram.current = undefined;
    };
  }, []);

  useEffect(() => {
    let current = true;
    setState('loading');
    diagram.current
      ?.show(xml)
      .then((elements) => {
        if (!current) return;
        setState('ready');
        onElements(elements);
      })
      .catch((failure: unknown) => {
        if (!current) return;
        setState('error');
        setError(String(failure));
      });
    return () => {
      current = false;
    };
  }, [xml, onElements]);

  useEffect(() => {
    if (state === 'ready' && counts) diagram.current?.setCounts(counts);
  }, [state, counts]);

  useEffect(() => {
    if (state === 'ready') diagram.current?.mark(picked);
  }, [state, picked]);

  return (
    <>
      {state === 'loading' && <InlineLoading description="Drawing the diagram…" />}
      {state === 'error' && (
        <p role="alert" className="wizard__reason">
          The BPMN could not be drawn: {error}
        </p>
      )}
      <section className="diagram" aria-label={label} ref={container} />
    </>
  );
}
