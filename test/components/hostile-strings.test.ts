import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import { hostileBrokerSuite, MQTT_STRINGS } from '../support/hostile-broker-suite.js';

// The first half of the MQTT-allowed corpus; hostile-strings-b.test.ts runs the rest.
hostileBrokerSuite('part 1', MQTT_STRINGS.slice(0, Math.ceil(MQTT_STRINGS.length / 2)));
