/**
 * The handler-result checks moved to common, where the class serializer can
 * use them without depending on http. This name stays only for the SSE
 * sender, which still imports it; remove it once that import points to common.
 */
export * from '../common/stream-detection.js';
