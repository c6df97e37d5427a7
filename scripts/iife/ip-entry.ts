/**
 * The IP companion of the single-file script (`cs-active-sessions.ip.js`): IP and CIDR matching
 * on ipaddr.js, for the IP filter.
 */
export { ipMatches, parseIpPattern } from '../../src/model/ip-match.js';
