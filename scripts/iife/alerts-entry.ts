/**
 * The alerts companion of the single-file script (`cs-active-sessions.alerts.js`): the evaluation
 * of alert rules, with IP matching (ipaddr.js).
 */
export { badAllowedNetwork, evaluateAlerts, initialAlertState } from '../../src/alerts/rules.js';
