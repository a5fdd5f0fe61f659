/** How often the sweep looks for batches whose execution was lost (an EventBridge schedule on AWS). */
export const RECOVERY_SWEEP_MINUTES = 5;
