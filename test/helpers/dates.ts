/** A date as the service stores and serializes it (`Date.prototype.toISOString`): absent ones are `null`, never this. */
export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
