import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

interface DiagramElement {
  id: string;
  type: string;
  businessObject?: { name?: string };
}

interface ElementRegistry {
  filter(predicate: (element: DiagramElement) => boolean): DiagramElement[];
}
interface Overlays {
  add(elementId: string, overlay: { position: Record<string, number>; html: HTMLElement }): string;
  remove(id: string): void;
}
interface Canvas {
  zoom(level: 'fit-viewport', center?: 'auto'): void;
  addMarker(elementId: string, marker: string): void;
  removeMarker(elementId: string, marker: string): void;
}

/** The elements a token can sit on or move to (what the wizard offers as sources and targets). */
const FLOW_NODE = /^bpmn:(\w*Task|SubProcess|CallActivity|\w*Event|\w*Gateway)$/;

export interface FlowNode {
  id: string;
  name?: string;
  type: string;
}

/**
 * A read-only bpmn-js viewer: imports the XML only when it changed, shows a count badge per element
 * (overlays replaced, not stacked), marks picked elements, reports clicks, and is destroyed with
 * its React component. No bpmn-js type leaks out of this class.
 */
export class BpmnDiagram {
  private readonly viewer: NavigatedViewer;
  private xml?: string;
  private overlayIds: string[] = [];
  private markers: { id: string; marker: string }[] = [];

  constructor(container: HTMLElement, onElementClick: (elementId: string) => void) {
    this.viewer = new NavigatedViewer({ container });
    this.viewer.on('element.click', (event: { element: DiagramElement }) => {
      if (FLOW_NODE.test(event.element.type)) onElementClick(event.element.id);
    });
  }

  /** Shows the diagram (a no-op for the XML already shown); its flow nodes. */
  async show(xml: string): Promise<FlowNode[]> {
    if (xml !== this.xml) {
      this.xml = xml;
      this.overlayIds = [];
      this.markers = [];
      await this.viewer.importXML(await withLayout(xml));
      this.service<Canvas>('canvas').zoom('fit-viewport', 'auto');
    }
    return this.service<ElementRegistry>('elementRegistry')
      .filter((element) => FLOW_NODE.test(element.type))
      .map((element) => ({
        id: element.id,
        type: element.type.slice(5),
        name: element.businessObject?.name,
      }));
  }

  /** A badge with the number on each element that has one. */
  setCounts(counts: Record<string, number>): void {
    const overlays = this.service<Overlays>('overlays');
    for (const id of this.overlayIds) overlays.remove(id);
    this.overlayIds = Object.entries(counts).map(([elementId, count]) => {
      const badge = document.createElement('span');
      badge.className = 'diagram-count';
      badge.textContent = String(count);
      badge.title = `${count} active instance${count === 1 ? '' : 's'} at ${elementId}`;
      badge.setAttribute('data-element-id', elementId);
      return overlays.add(elementId, { position: { bottom: 12, right: 12 }, html: badge });
    });
  }

  /** Marks the picked elements (sources blue, targets green). */
  mark(picked: { id: string; marker: 'picked-source' | 'picked-target' }[]): void {
    const canvas = this.service<Canvas>('canvas');
    for (const { id, marker } of this.markers) canvas.removeMarker(id, marker);
    this.markers = picked.filter(({ id }) => this.has(id));
    for (const { id, marker } of this.markers) canvas.addMarker(id, marker);
  }

  destroy(): void {
    this.viewer.destroy();
  }

  private has(elementId: string): boolean {
    return (
      this.service<ElementRegistry>('elementRegistry').filter((element) => element.id === elementId).length >
      0
    );
  }

  private service<T>(name: string): T {
    return this.viewer.get(name) as T;
  }
}

/**
 * BPMN deployed through the API need not carry diagram interchange (the shapes' positions): such a
 * file is laid out automatically (bpmn-auto-layout, loaded only then) so it can be drawn at all.
 */
async function withLayout(xml: string): Promise<string> {
  if (/<(\w+:)?BPMNDiagram[\s>]/.test(xml)) return xml;
  const { layoutProcess } = await import('bpmn-auto-layout');
  return layoutProcess(await withFlowReferences(xml));
}

/** The parts of bpmn-moddle's element model the linking below reads. */
interface ModdleElement {
  $type: string;
  flowElements?: ModdleElement[];
  rootElements?: ModdleElement[];
  sourceRef?: ModdleElement;
  targetRef?: ModdleElement;
  get(name: 'incoming' | 'outgoing'): ModdleElement[];
}
type Moddle = {
  fromXML(xml: string): Promise<{ rootElement: ModdleElement }>;
  toXML(element: ModdleElement): Promise<{ xml: string }>;
};

/**
 * The XML with every flow node's `<incoming>`/`<outgoing>` filled in from its sequence flows. BPMN makes
 * them optional and the engine reads flows from `sourceRef`/`targetRef`, but the auto-layout draws an
 * edge only along them: without, it draws the elements with no arrows between them.
 */
async function withFlowReferences(xml: string): Promise<string> {
  const { BpmnModdle } = (await import('bpmn-moddle')) as { BpmnModdle: new () => Moddle };
  const moddle = new BpmnModdle();
  const { rootElement } = await moddle.fromXML(xml);
  const link = (container: ModdleElement) => {
    for (const element of container.flowElements ?? []) {
      if (element.$type !== 'bpmn:SequenceFlow') {
        link(element);
        continue;
      }
      const outgoing = element.sourceRef?.get('outgoing');
      const incoming = element.targetRef?.get('incoming');
      if (outgoing && !outgoing.includes(element)) outgoing.push(element);
      if (incoming && !incoming.includes(element)) incoming.push(element);
    }
  };
  for (const root of rootElement.rootElements ?? []) link(root);
  return (await moddle.toXML(rootElement)).xml;
}
