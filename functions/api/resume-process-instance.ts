import { instanceCommandApi } from '#commons/instance-command-api.ts';
import { resumeProcessInstance } from '#domain/operations/resume-process-instance.ts';

/** POST /v2/process-instances/{processInstanceKey}/resumption: resume one instance (204; 404; 409 naming the rule). */
export const handler = instanceCommandApi(resumeProcessInstance);
