import { negotiateMediaType } from '#commons/content-negotiation.ts';
import type { HttpEvent } from '#commons/http.ts';
import { batchKeyParameter } from '#commons/key-parameter.ts';
import { ProblemError } from '#commons/problems.ts';
import { services } from '#commons/services.ts';
import { streamingApi, textStream } from '#commons/streaming.ts';
import { batchReport, REPORT_FORMATS, type ReportFormat } from '#domain/batch/batch-report.ts';
import { InvalidArgumentError } from '#domain/errors.ts';

/** The media types each format answers to; the first is what `?format=` and a wildcard Accept get. */
const MEDIA_TYPES: Record<ReportFormat, readonly string[]> = {
  csv: ['text/csv'],
  jsonl: ['application/x-ndjson', 'application/jsonl'],
};
const CONTENT_TYPE_PARAMETERS: Record<ReportFormat, string> = {
  csv: '; charset=utf-8; header=present',
  jsonl: '',
};

/**
 * GET /v2/extensions/batch-operations/{batchOperationKey}/report: every item of the batch as CSV or
 * JSON Lines, streamed (a Lambda function URL on AWS), chosen by `?format=csv|jsonl` or by Accept.
 */
export const handler = streamingApi('GetBatchOperationReport', async (event) => {
  const key = batchKeyParameter(event);
  const { format, mediaType } = chooseFormat(event);
  const lines = await batchReport(services(), key, format);
  return {
    statusCode: 200,
    headers: {
      'content-type': `${mediaType}${CONTENT_TYPE_PARAMETERS[format]}`,
      'content-disposition': `attachment; filename="batch-operation-${key}.${format}"`,
    },
    body: textStream(lines),
  };
});

function chooseFormat(event: HttpEvent): { format: ReportFormat; mediaType: string } {
  const requested = event.queryStringParameters?.format;
  if (requested !== undefined) {
    const format = REPORT_FORMATS.find((candidate) => candidate === requested);
    if (!format) {
      throw new InvalidArgumentError(
        `format must be one of ${REPORT_FORMATS.join(', ')}, got '${requested}'`,
      );
    }
    return { format, mediaType: MEDIA_TYPES[format][0] };
  }
  const offered = REPORT_FORMATS.flatMap((format) => MEDIA_TYPES[format]);
  const mediaType = negotiateMediaType(event.headers.accept, offered);
  const format = REPORT_FORMATS.find((candidate) => mediaType && MEDIA_TYPES[candidate].includes(mediaType));
  if (!mediaType || !format) {
    throw new ProblemError(
      406,
      'NOT_ACCEPTABLE',
      `The report is available as ${offered.join(', ')}; the Accept header allows none of them (or use ?format=${REPORT_FORMATS.join('|')})`,
    );
  }
  return { format, mediaType };
}
