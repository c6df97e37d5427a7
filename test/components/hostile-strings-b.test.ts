import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import { hostileBrokerSuite, MQTT_STRINGS } from '../support/hostile-broker-suite.js';

// The second half of the MQTT-allowed corpus; hostile-strings.test.ts runs the first.
hostileBrokerSuite('part 2', MQTT_STRINGS.slice(Math.ceil(MQTT_STRINGS.length / 2)));
