import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFilter, parseShared, topicMatches } from '../../src/analysis/topic.js';

describe('topicMatches', () => {
  it('should match exact topics and single-level wildcards', () => {
    assert.equal(topicMatches('agents/+/state', 'agents/agent-001/state'), true);
    assert.equal(topicMatches('agents/+/state', 'agents/agent-001/config'), false);
    assert.equal(topicMatches('agents/+/state', 'agents/state'), false);
    assert.equal(topicMatches('config/updates', 'config/updates'), true);
    assert.equal(topicMatches('+/+', 'a/b'), true);
    assert.equal(topicMatches('+', ''), true);
  });

  it('should match multi-level wildcards, including the parent level', () => {
    assert.equal(topicMatches('agents/agent-001/#', 'agents/agent-001/state/x'), true);
    assert.equal(topicMatches('agents/agent-001/#', 'agents/agent-001'), true);
    assert.equal(topicMatches('#', 'anything/at/all'), true);
    assert.equal(topicMatches('a/#/b', 'a/x/b'), false);
  });

  it('should not match $-topics with a leading wildcard', () => {
    assert.equal(topicMatches('#', '$SYS/brokers'), false);
    assert.equal(topicMatches('+/brokers', '$SYS/brokers'), false);
    assert.equal(topicMatches('$SYS/#', '$SYS/brokers'), true);
  });

  it('should match shared subscriptions on their filter', () => {
    assert.deepEqual(parseShared('$share/workers/jobs/+'), { filter: 'jobs/+', group: 'workers' });
    assert.equal(topicMatches('$share/workers/jobs/+', 'jobs/42'), true);
    assert.equal(topicMatches('$share/workers/jobs/+', 'jobs/42/x'), false);
  });

  it('should tell filters from topic names', () => {
    assert.equal(isFilter('a/+/b'), true);
    assert.equal(isFilter('a/#'), true);
    assert.equal(isFilter('$share/g/a/+'), true);
    assert.equal(isFilter('a/b+c'), false);
    assert.equal(isFilter('a/b'), false);
  });
});
