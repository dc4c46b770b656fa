// The tree views' poll: ticks when the view shows and on its interval only while visible, starts each
// showing with onShow, and stops for good once disposed (a later visibility event does not restart it).
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { VisiblePoll } from '../../../src/extension/views/visiblePoll.js';
import { EventEmitter } from './treeHost/vscode.js';

test('ticks on show and every interval while visible, onShow before each showing, nothing after dispose', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const events: string[] = [];
    const visibility = new EventEmitter<{ visible: boolean }>();
    const poll = new VisiblePoll({ visible: true, onDidChangeVisibility: visibility.event }, 1000, () => events.push('tick'), () => events.push('show'));
    assert.deepEqual(events, ['show', 'tick']);
    assert.equal(poll.visible, true);
    mock.timers.tick(2500);
    assert.deepEqual(events, ['show', 'tick', 'tick', 'tick']);
    visibility.fire({ visible: true });
    assert.equal(events.length, 4, 'already polling: a second visible event starts nothing');
    visibility.fire({ visible: false });
    assert.equal(poll.visible, false);
    mock.timers.tick(5000);
    assert.equal(events.length, 4);
    visibility.fire({ visible: true });
    assert.deepEqual(events.slice(4), ['show', 'tick']);
    poll.dispose();
    poll.dispose();
    mock.timers.tick(5000);
    visibility.fire({ visible: true });
    mock.timers.tick(5000);
    assert.equal(events.length, 6);
  } finally {
    mock.timers.reset();
  }
});

test('a view hidden at first does not tick until it shows', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    let ticks = 0;
    const visibility = new EventEmitter<{ visible: boolean }>();
    const poll = new VisiblePoll({ visible: false, onDidChangeVisibility: visibility.event }, 1000, () => ticks++);
    mock.timers.tick(3000);
    assert.equal(ticks, 0);
    visibility.fire({ visible: true });
    assert.equal(ticks, 1);
    poll.dispose();
  } finally {
    mock.timers.reset();
  }
});
