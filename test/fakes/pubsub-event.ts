/** The CloudEvent that Eventarc delivers for one Pub/Sub message. */
export function pubsubEvent(
  data: unknown,
  {
    messageId = 'm-1',
    attributes = {},
    publishTime,
  }: { messageId?: string; attributes?: Record<string, string>; publishTime?: string } = {},
): { id: string; data: unknown } {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    id: messageId,
    data: {
      message: {
        data: Buffer.from(text).toString('base64'),
        messageId,
        attributes,
        ...(publishTime ? { publishTime } : {}),
      },
      subscription: 'projects/p/subscriptions/s',
    },
  };
}
