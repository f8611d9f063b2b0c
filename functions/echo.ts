import { echo } from '../lib/echo';
import { api, header, queryParam, textBody } from '../lib/http';

export const handler = api(async function echoBody(event) {
  const body = textBody(event);
  const reply = echo(header(event, 'content-type'), body, queryParam(event, 'transform'));
  return {
    statusCode: 200,
    headers: { 'content-type': `${reply.mediaType}; charset=utf-8` },
    body: reply.body,
  };
});
