import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { N8nWorkflow } from '@ionflux/compiler';
import type { INode } from 'n8n-workflow';
import { CredentialNotFound, type CredentialResolver } from './credentials';
import { RunInputError } from './inputs';
import { UnsupportedNodeType } from './node-registry';
import { serializeError, type FromWorker, type SerializedError, type ToWorker } from './pool-protocol';
import { AgentRunError, type AgentRunResult, type RunAgentOptions } from './run-agent';

/**
 * What a pooled run takes: runAgent's options, with the package's node types, and the pool's credentials unless the
 * run brings its own resolver (a server resolves each run's credentials from its workspace's bindings).
 */
export type PoolRunOptions = Omit<RunAgentOptions, 'credentials' | 'nodeTypes' | 'credentialTypes'> & {
  credentials?: CredentialResolver;
  /**
   * When `onNodeEvent` hears of a node: `live` (default) as it happens; `per-step`, the worker holds the events and
   * sends them together when a step's node starts (an action, branch or loop step, or the output's canvas / chat
   * delivery) and with the run's end. The same events in the same order, in one message per step instead of one per
   * event; events between two step starts arrive at the second (a step's end, with the next step's start).
   */
  nodeEvents?: 'live' | 'per-step';
};

export interface EnginePoolOptions {
  /** Worker threads (default: one per core). */
  size?: number;
  /** Resolves credentials on the calling thread: workers ask for them per run and never keep them. */
  credentials: CredentialResolver;
  /** The worker script (default: the built `pool-worker.js` of this package). */
  workerScript?: string;
}

interface PoolWorker {
  thread: Worker;
  inFlight: number;
  /** Workflows this worker has been sent. */
  workflows: Set<number>;
}

interface PendingRun {
  worker: PoolWorker;
  workflowId: number;
  options: PoolRunOptions;
  resolve: (result: AgentRunResult) => void;
  reject: (error: Error) => void;
  cleanup: () => void;
}

const MAX_CRASHES = 5;
const YOUNG_GENERATION_MB = 96;

function defaultWorkerScript(): string {
  // Built, pool.js and pool-worker.js sit side by side; from the TypeScript sources (tests), the built worker is used.
  const beside = join(__dirname, 'pool-worker.js');
  return existsSync(beside) ? beside : join(__dirname, '..', 'dist', 'pool-worker.js');
}

function revive(error: SerializedError): Error {
  switch (error.name) {
    case 'RunInputError':
      return new RunInputError(error.field ?? '', error.message);
    case 'AgentRunError':
      return new AgentRunError(error.message);
    case 'UnsupportedNodeType':
      return new UnsupportedNodeType(error.message);
    case 'CredentialNotFound':
      return new CredentialNotFound(error.message);
    default:
      return new Error(error.message);
  }
}

/**
 * Runs agents on worker threads, each with its own n8n-core engine: agents' CPU work leaves the calling thread (a
 * server's event loop stays free for requests) and spreads over the cores. `run` takes runAgent's options and
 * returns the same result; node events, cancellation and timeouts work the same way.
 *
 * @example
 * const pool = new EnginePool({ credentials });
 * const result = await pool.run({ workflow, input: { period: 'last_7_days' } });
 * await pool.close();
 */
export class EnginePool {
  private readonly workers: PoolWorker[] = [];
  private readonly runs = new Map<number, PendingRun>();
  private readonly workflowIds = new WeakMap<N8nWorkflow, number>();
  private readonly credentials: CredentialResolver;
  private readonly workerScript: string;
  private nextRunId = 1;
  private nextWorkflowId = 1;
  private closed = false;
  /** Workers that stopped since a run last completed: past a few, the pool stops replacing them. */
  private crashes = 0;
  private brokenReason: string | undefined;

  constructor({ size = availableParallelism(), credentials, workerScript = defaultWorkerScript() }: EnginePoolOptions) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`EnginePool size must be a positive integer, got ${size}.`);
    if (!existsSync(workerScript))
      throw new Error(
        `The engine worker script ${workerScript} is missing: build the engine first (npx tsc -b engine).`,
      );
    this.credentials = credentials;
    this.workerScript = workerScript;
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  get size(): number {
    return this.workers.length;
  }

  run(options: PoolRunOptions): Promise<AgentRunResult> {
    if (this.closed) return Promise.reject(new AgentRunError('The engine pool is closed.'));
    if (this.workers.length === 0)
      return Promise.reject(
        new AgentRunError(`The engine pool has no workers left: ${this.brokenReason ?? 'they stopped'}.`),
      );
    const worker = this.workers.reduce((best, w) => (w.inFlight < best.inFlight ? w : best));
    let workflowId = this.workflowIds.get(options.workflow);
    if (workflowId === undefined) {
      workflowId = this.nextWorkflowId++;
      this.workflowIds.set(options.workflow, workflowId);
    }
    const runId = this.nextRunId++;
    return new Promise<AgentRunResult>((resolve, reject) => {
      const onAbort = () => this.post(worker, { type: 'cancel', runId });
      options.signal?.addEventListener('abort', onAbort);
      const cleanup = () => options.signal?.removeEventListener('abort', onAbort);
      this.runs.set(runId, { worker, workflowId, options, resolve, reject, cleanup });
      worker.inFlight++;
      try {
        this.sendRun(worker, runId, workflowId, options, !worker.workflows.has(workflowId));
      } catch (error) {
        // postMessage refuses what it cannot clone (functions, class instances in inputs or trigger payloads).
        const run = this.runs.get(runId)!;
        this.settle(runId, run, () =>
          reject(
            new AgentRunError(`The run's options cannot be sent to an engine worker: ${(error as Error).message}`),
          ),
        );
        return;
      }
      if (options.signal?.aborted) onAbort();
    });
  }

  /** Stops the workers; runs still going fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.thread.terminate()));
    for (const [runId, run] of this.runs)
      this.settle(runId, run, () => run.reject(new AgentRunError('The engine pool was closed during the run.')));
  }

  private sendRun(
    worker: PoolWorker,
    runId: number,
    workflowId: number,
    options: PoolRunOptions,
    withWorkflow: boolean,
  ): void {
    if (withWorkflow) worker.workflows.add(workflowId);
    this.post(worker, {
      type: 'run',
      runId,
      workflowId,
      ...(withWorkflow
        ? { workflow: { workflow: options.workflow, ...(options.sourceMap ? { sourceMap: options.sourceMap } : {}) } }
        : {}),
      options: {
        ...(options.input !== undefined ? { input: options.input } : {}),
        ...(options.trigger !== undefined ? { trigger: options.trigger } : {}),
        ...(options.accounts ? { accounts: options.accounts } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.executionId ? { executionId: options.executionId } : {}),
        events: options.onNodeEvent !== undefined,
        ...(options.nodeEvents === 'per-step' ? { eventsPerStep: true } : {}),
        credentialUpdates: options.onCredentialUpdate !== undefined,
        ...(options.tokenPrices ? { tokenPrices: options.tokenPrices } : {}),
        ...(options.budgetOwners ? { budgetOwners: options.budgetOwners } : {}),
      },
    });
  }

  private post(worker: PoolWorker, message: ToWorker): void {
    worker.thread.postMessage(message);
  }

  private settle(runId: number, run: PendingRun, done: () => void): void {
    this.runs.delete(runId);
    run.worker.inFlight--;
    run.cleanup();
    done();
  }

  private spawn(): PoolWorker {
    // A run allocates a few hundred kilobytes of short-lived objects (n8n's execution data, expression contexts, HTTP):
    // a young generation larger than V8's default (16 MiB semi-spaces) makes the scavenges that collect them rarer.
    const thread = new Worker(this.workerScript, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    const worker: PoolWorker = { thread, inFlight: 0, workflows: new Set() };
    worker.thread.on('message', (message: FromWorker) => this.onMessage(worker, message));
    const stopped = (reason: string) => {
      const index = this.workers.indexOf(worker);
      if (index < 0) return;
      this.workers.splice(index, 1);
      for (const [runId, run] of this.runs) {
        if (run.worker === worker)
          this.settle(runId, run, () =>
            run.reject(new AgentRunError(`The engine worker stopped during the run: ${reason}`)),
          );
      }
      if (this.closed) return;
      if (++this.crashes > MAX_CRASHES) this.brokenReason = reason;
      else this.workers.push(this.spawn());
    };
    worker.thread.on('error', (error) => stopped(error.message));
    worker.thread.on('exit', (code) => stopped(`exit code ${code}`));
    return worker;
  }

  private onMessage(worker: PoolWorker, message: FromWorker): void {
    if (message.type === 'credentials') {
      void this.resolveCredentials(worker, message);
      return;
    }
    const run = this.runs.get(message.runId);
    if (!run) return;
    switch (message.type) {
      case 'need-workflow':
        this.sendRun(worker, message.runId, run.workflowId, run.options, true);
        break;
      case 'events':
        for (const event of message.events) run.options.onNodeEvent?.(event);
        break;
      case 'credential-update':
        void Promise.resolve()
          .then(() => run.options.onCredentialUpdate?.(message.update))
          .catch(() => undefined);
        break;
      case 'done':
        this.crashes = 0;
        for (const event of message.events ?? []) run.options.onNodeEvent?.(event);
        this.settle(message.runId, run, () => run.resolve(message.result));
        break;
      case 'failed':
        for (const event of message.events ?? []) run.options.onNodeEvent?.(event);
        this.settle(message.runId, run, () => run.reject(revive(message.error)));
        break;
    }
  }

  private async resolveCredentials(
    worker: PoolWorker,
    message: Extract<FromWorker, { type: 'credentials' }>,
  ): Promise<void> {
    try {
      const resolver = this.runs.get(message.runId)?.options.credentials ?? this.credentials;
      const data = await resolver({
        reference: message.reference,
        type: message.credentialType,
        node: message.node as INode,
      });
      this.post(worker, { type: 'credentials', requestId: message.requestId, data });
    } catch (error) {
      this.post(worker, { type: 'credentials', requestId: message.requestId, error: serializeError(error) });
    }
  }
}
