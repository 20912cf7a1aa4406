import { describe, expect, it } from '@jest/globals';
import { compileAgent } from '@ionflux/compiler';
import { BUDGET_STOP_CONTEXT_KEY, BUDGET_STOP_HINT_KEY } from 'n8n-nodes-ionflux';
import { agentRunFromExecution } from './execution';
import type { N8nExecutionRecord, N8nTaskData } from './n8n-api';

/** A model step that continues on error, then a chat post (the shape of the real-n8n lane's budget test). */
const YAML = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: tagline-poster, displayName: Tagline poster, version: 1.0.0 }
spec:
  trigger: { manual: {} }
  steps:
    - id: first
      uses: llm.generate
      with: { prompt: "Name a colour." }
    - id: draft
      uses: llm.generate
      with: { prompt: "Write one tagline." }
      onError: continue
    - id: post
      uses: chat.post
      with: { channel: general, text: "{{ steps.draft.output.text }}" }
`;

const compiled = compileAgent(YAML);
const workflow = compiled.workflow!;
const sourceMap = compiled.sourceMap!;
const nodeOf = (step: string) =>
  Object.entries(workflow.meta.ionflux.nodes).find(([, source]) => source.step === step)![0];

const firstUsage = { promptTokens: 9, completionTokens: 3, totalTokens: 12 };
const firstItem = { json: { text: 'Teal', model: 'ionflux-sandbox-1', usage: firstUsage } };
const draftUsage = { promptTokens: 11, completionTokens: 8, totalTokens: 19 };
const task = (startTime: number, extra: Partial<N8nTaskData> = {}): N8nTaskData => ({
  startTime,
  executionTime: 5,
  executionStatus: extra.error ? 'error' : 'success',
  data: { main: [[{ json: {} }]] },
  ...extra,
});
const stopMessage = `Node "${nodeOf('draft')}" brought the run to 31 tokens, over the LLM credential's budget of 20; the run was stopped.`;

/**
 * The execution n8n stores when the draft's model call goes over the budget: "draft" continues on error, so n8n
 * passes its input (the first step's answer, with that step's usage) on, and runs "post", which refuses to act.
 */
function stoppedExecution(): N8nExecutionRecord {
  return {
    id: 7,
    finished: true,
    mode: 'webhook',
    status: 'error',
    startedAt: '2026-12-03T14:00:00.000Z',
    stoppedAt: '2026-12-03T14:00:01.000Z',
    workflowId: 'w1',
    data: {
      resultData: {
        runData: {
          'Manual trigger': [task(1)],
          Inputs: [task(2)],
          [nodeOf('first')]: [task(3, { data: { main: [[firstItem]] } })],
          [nodeOf('draft')]: [
            task(4, {
              data: { main: [[firstItem]] },
              error: {
                message: stopMessage,
                context: {
                  itemIndex: 0,
                  [BUDGET_STOP_CONTEXT_KEY]: { usage: draftUsage, byModel: { 'ionflux-sandbox-1': draftUsage } },
                },
              },
            }),
          ],
          [nodeOf('post')]: [task(5, { data: undefined, error: { message: `Not run: ${stopMessage}` } })],
        },
        lastNodeExecuted: nodeOf('post'),
        error: { message: `Not run: ${stopMessage}`, node: { name: nodeOf('post') } },
      },
    },
  };
}

/**
 * The execution n8n stores when the draft's model call goes over the budget and the node keeps its answer: its run
 * carries the stop's hint, and "post" (when `withPost`) refuses to act.
 */
function keptAnswerExecution({ withPost }: { withPost: boolean }): N8nExecutionRecord {
  const execution = stoppedExecution();
  const runData = execution.data!.resultData.runData;
  runData[nodeOf('draft')] = [
    task(4, {
      data: { main: [[draftItem]] },
      hints: [
        { message: 'Another hint.', type: 'info' },
        { message: stopMessage, type: 'warning', group: { key: BUDGET_STOP_HINT_KEY } },
      ],
    }),
  ];
  if (!withPost) {
    delete runData[nodeOf('post')];
    execution.status = 'success';
    execution.data!.resultData.lastNodeExecuted = nodeOf('draft');
    delete execution.data!.resultData.error;
  }
  return execution;
}

const draftItem = { json: { text: 'Warm wool, cool planet.', model: 'ionflux-sandbox-1', usage: draftUsage } };

describe('agentRunFromExecution', () => {
  it('a budget stop whose node kept its answer ends the run there: that step succeeded, its answer is the output', () => {
    // With a refused post after it (n8n's execution failed there) and as the last node (n8n's execution succeeded).
    for (const withPost of [true, false]) {
      const result = agentRunFromExecution({
        workflow,
        execution: keptAnswerExecution({ withPost }),
        sourceMap,
        tokenPrices: { 'ionflux-sandbox': { prompt: 1.5, completion: 6 } },
      });
      expect(result.status).toBe('error');
      expect(result.error).toEqual({
        message: stopMessage,
        node: nodeOf('draft'),
        step: 'draft',
        path: ['spec', 'steps', 1],
        line: 10,
        col: 7,
      });
      expect(result.steps.map((s) => [s.id, s.status, s.items, s.usage])).toEqual([
        ['first', 'success', 1, firstUsage],
        ['draft', 'success', 1, draftUsage],
      ]);
      expect(result.usage).toEqual({ promptTokens: 20, completionTokens: 11, totalTokens: 31 });
      expect(result.costUsd).toBe(0.000096);
      expect(result.output).toEqual(draftItem.json);
    }
  });

  it('a budget stop whose node then failed ends the run there, with its error, line and tokens, and no output', () => {
    const result = agentRunFromExecution({
      workflow,
      execution: stoppedExecution(),
      sourceMap,
      tokenPrices: { 'ionflux-sandbox': { prompt: 1.5, completion: 6 } },
    });
    expect(result.status).toBe('error');
    expect(result.error).toEqual({
      message: stopMessage,
      node: nodeOf('draft'),
      step: 'draft',
      path: ['spec', 'steps', 1],
      line: 10,
      col: 7,
    });
    // The post n8n ran past the continuing step did nothing: not a step of the run.
    expect(result.steps.map((s) => s.id)).toEqual(['first', 'draft']);
    // The draft's tokens come from its error; the items it passed on are the first step's (counted once).
    expect(result.steps.map((s) => s.usage)).toEqual([firstUsage, draftUsage]);
    expect(result.usage).toEqual({ promptTokens: 20, completionTokens: 11, totalTokens: 31 });
    // Priced by the model that answered (ionflux-sandbox-1 takes ionflux-sandbox's price): 20 x 1.5 + 11 x 6 per 1M.
    expect(result.costUsd).toBe(0.000096);
    expect(result.unpricedModels).toBeUndefined();
    expect(result.output).toBeUndefined();
  });

  it('a node that failed otherwise counts none of the items it passed on as its own tokens', () => {
    const execution = stoppedExecution();
    const runData = execution.data!.resultData.runData;
    runData[nodeOf('draft')]![0]!.error = { message: 'LLM provider error 500 server_error: down' };
    runData[nodeOf('post')] = [task(5, { data: { main: [[{ json: { messageId: 'm1', channel: 'general' } }]] } })];
    execution.status = 'success';
    delete execution.data!.resultData.error;
    const result = agentRunFromExecution({ workflow, execution, sourceMap });
    expect(result.status).toBe('success');
    expect(result.steps.map((s) => [s.id, s.status, s.usage])).toEqual([
      ['first', 'success', firstUsage],
      ['draft', 'error', undefined],
      ['post', 'success', undefined],
    ]);
    expect(result.usage).toEqual(firstUsage);
  });
});
