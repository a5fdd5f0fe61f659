// bpmn-moddle 10 ships model types but not the BpmnModdle class's; BpmnDiagram.ts types the part it uses.
declare module 'bpmn-moddle';
