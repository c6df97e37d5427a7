/**
 * Every message the sources write, with English defaults, in one place. A `SourceError` keeps
 * the id of its message and the values put into it (`message` is the English text), so the
 * element can say it in the language of its `strings` (`sourceMessages`). Values are what the
 * broker or the request gave (a label, `HTTP 401 BAD_API_KEY …`, a client ID): they stay as
 * they are in every language.
 */

/** The values of one message. */
export type MessageValues = Readonly<Record<string, string | number | undefined>>;

const client = (v: MessageValues) => (v['client'] === undefined ? '' : ` (client ${v['client']})`);

export const SOURCE_MESSAGES_EN = {
  cancelled: () => 'The request was cancelled.',
  timeout: (v: MessageValues) => `${v['label']} did not answer within ${v['seconds']} s.`,
  unreachable: (v: MessageValues) =>
    `Could not reach ${v['label']}: check the URL and that the broker (or its proxy) is running.`,
  urlTooLongToSend: (v: MessageValues) =>
    `${v['label']} did not accept a request whose URL is ${v['length']} characters long${client(v)}: brokers and proxies refuse URLs that long.`,
  clientIdPathStep: (v: MessageValues) =>
    `Client ${v['client']} cannot be named in a URL ("." and ".." are read as path steps), so ${v['label']} cannot be asked about it.`,
  clientIdNotUnicode: (v: MessageValues) =>
    `Client ${v['client']} is not valid Unicode text (it holds a lone surrogate), so it cannot be named in a request to ${v['label']}.`,
  credentialsRefused: (v: MessageValues) =>
    `${v['label']} refused the credentials (${v['text']}). Check the API key and secret.`,
  loginRefused: (v: MessageValues) =>
    `${v['label']} refused the credentials (${v['text']}). Check the user name and password.`,
  restCredentialsRefused: (v: MessageValues) =>
    `${v['label']} refused the credentials (${v['text']}). Check the REST API user name and password.`,
  managementCredentialsRefused: (v: MessageValues) =>
    `${v['label']} refused the credentials (${v['text']}). Check the management user name and password.`,
  forbidden: (v: MessageValues) =>
    `${v['label']} does not allow these credentials to do that (${v['text']}).`,
  forbiddenToClose: (v: MessageValues) =>
    `${v['label']} does not allow these credentials to close connections (${v['text']}): closing needs a management user with the administrator tag (or management, on its own virtual hosts).`,
  notConnected: (v: MessageValues) =>
    v['text'] === undefined
      ? `${v['who']} is not connected any more.`
      : `${v['who']} is not connected any more (${v['text']}).`,
  notFound: (v: MessageValues) => `${v['label']}: not found (${v['text']}).`,
  urlTooLong: (v: MessageValues) =>
    `${v['label']} refused the request because its URL is too long (${v['text']})${v['who'] ? `: ${v['who']} has an ID too long to be named in a URL` : ''}.`,
  rateLimited: (v: MessageValues) => `${v['label']} is rate-limiting requests (${v['text']}).`,
  serverFailed: (v: MessageValues) => `${v['label']} failed to answer (${v['text']}).`,
  refused: (v: MessageValues) => `${v['label']} refused the request (${v['text']}).`,
  emptyBody: (v: MessageValues) =>
    `${v['label']} answered with an empty body instead of JSON (HTTP ${v['status']}).`,
  htmlPage: (v: MessageValues) =>
    `${v['label']} answered with an HTML page instead of JSON (HTTP ${v['status']}${v['title'] ? `, titled "${v['title']}"` : ''}): a proxy, a login page or a wrong URL may be in front of the API.`,
  cutOffJson: (v: MessageValues) =>
    `${v['label']} answered with JSON that was cut off after ${v['length']} characters (HTTP ${v['status']}): the answer is incomplete.`,
  notJson: (v: MessageValues) =>
    `${v['label']} answered with a body that is not JSON (HTTP ${v['status']}): "${v['excerpt']}".`,
  notAPage: (v: MessageValues) =>
    `${v['label']} answered ${v['what']} with something that is not a page (${v['got']}).`,
  loginWithoutToken: (v: MessageValues) => `${v['label']} answered the login without a token.`,
  statsWithoutCount: (v: MessageValues) => `${v['label']} answered the stats without a count.`,
  notAnEmqxPage: (v: MessageValues) =>
    `${v['label']} answered the client list with something that is not an EMQX page (${v['got']}).`,
  answerWithoutClientId: (v: MessageValues) =>
    `${v['label']} answered for client ${v['client']} without a client ID.`,
  answerForAnotherClient: (v: MessageValues) =>
    `${v['label']} answered for client ${v['client']} with another client (${v['other']}).`,
  subscriptionsNotAList: (v: MessageValues) =>
    `${v['label']} answered the subscriptions of ${v['client']} with something that is not a list.`,
  subscriptionSearchNotAPage: (v: MessageValues) =>
    `${v['label']} answered the subscription search with something that is not a page.`,
  nextLinkNotAUrl: (v: MessageValues) =>
    `${v['label']} answered the client list with a next link that is not a URL.`,
  simulatedFailure: (v: MessageValues) => `${v['label']} failed (simulated ${v['kind']}).`,
  simulatedRefusal: (v: MessageValues) => `${v['label']} refused the credentials (simulated).`,
  simulatedForbidden: (v: MessageValues) =>
    `${v['label']} does not allow these credentials to do that (simulated).`,
  simulatedUnreachable: (v: MessageValues) => `${v['label']} cannot be reached (simulated).`,
  simulatedTimeout: (v: MessageValues) => `${v['label']} did not answer in time (simulated).`,
  simulatedRateLimit: (v: MessageValues) => `${v['label']} is asking us to slow down (simulated).`,
  simulationNotLoaded: (v: MessageValues) => `${v['label']} could not be loaded (${v['text']}).`,
  sourceNotLoaded: (v: MessageValues) =>
    `The code that talks to ${v['label']} could not be loaded (${v['text']}).`,
} satisfies Record<string, (v: MessageValues) => string>;

export type SourceMessageId = keyof typeof SOURCE_MESSAGES_EN;
export type SourceMessages = Record<SourceMessageId, (v: MessageValues) => string>;

/** A message by id, and the values it was made from. */
export interface MessageRef {
  id: SourceMessageId;
  values: MessageValues;
}

/** The English text of a message. */
export const englishOf = (ref: MessageRef): string => SOURCE_MESSAGES_EN[ref.id](ref.values);
