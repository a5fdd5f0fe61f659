declare module 'bpmn-auto-layout' {
  /** The BPMN XML with diagram interchange (shapes and edges) generated for its first process. */
  export function layoutProcess(xml: string): Promise<string>;
}
