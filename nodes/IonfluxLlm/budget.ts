/**
 * The LLM credential's budgets per execution: "Budget per Execution (Tokens)" and "(USD)", the tokens or dollars
 * every model call of one execution may spend together (all IONFLUX LLM and Vector Store nodes). The sums live in
 * n8n's flow context, which lasts as long as the execution (on a queue worker too). The call that goes over a budget
 * stops the execution (`recordExecutionStop`): its answer is kept (the node returns its items, marked by an execution
 * hint with the stop's message, shown on the node in n8n's editor), and every later IONFLUX node of the execution
 * fails without acting ("Not run: <the stop>"). A further call of the same node run (its next item, say) fails the
 * node with an {@link ExecutionStoppedError} ("continue on fail" does not turn it into an item) that carries the
 * tokens the node's run spent. n8n goes on past a step that continues on error (n8n's "On Error" setting), but
 * nothing after the stop calls a model, posts or writes anything.
 *
 * The embedded engine meters runs itself (`runAgent`, the same messages); an IONFLUX server running agents on n8n
 * fills these fields with expressions reading each run's budgets, and its prices (IONFLUX_TOKEN_PRICES).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { recordExecutionStop, refuseIfExecutionStopped, type SpentTokens } from '../shared/operation';

export type { SpentTokens } from '../shared/operation';

/** USD per million tokens. */
export interface TokenPrice {
  prompt: number;
  completion: number;
}

const TOKENS_KEY = 'ionfluxTokensUsed';
const COST_KEY = 'ionfluxCostUsd';

/**
 * What the model calls of one run of a node spent (by its execute context, one per run and try), kept with the stop:
 * when that node then fails (a further call refused), its output, which carries the usage of its items, is lost, and
 * its error carries this instead.
 */
const spentByNodeRun = new WeakMap<object, { usage: SpentTokens; byModel: Record<string, SpentTokens> }>();

function add(to: SpentTokens, usage: SpentTokens): void {
  to.promptTokens += usage.promptTokens;
  to.completionTokens += usage.completionTokens;
  to.totalTokens += usage.totalTokens;
}

const none = (): SpentTokens => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

/**
 * Prices in IONFLUX_TOKEN_PRICES' form: `model=prompt/completion` in USD per million tokens, comma-separated, e.g.
 * `gpt-4o-mini=0.15/0.6`. An entry that does not parse is left out (the field's description gives the form).
 */
export function parseTokenPrices(text: string): Record<string, TokenPrice> {
  const prices: Record<string, TokenPrice> = {};
  for (const entry of text.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(entry);
    if (match) prices[match[1]!] = { prompt: Number(match[2]), completion: Number(match[3]) };
  }
  return prices;
}

/**
 * The price of `model`: its own entry, else the longest entry it is a dated or suffixed version of (`gpt-4o-mini`
 * prices `gpt-4o-mini-2024-07-18`, as providers report the snapshot they served).
 */
export function priceOfModel(prices: Record<string, TokenPrice>, model: string): TokenPrice | undefined {
  if (Object.hasOwn(prices, model)) return prices[model];
  let best: string | undefined;
  for (const name of Object.keys(prices))
    if (model.startsWith(`${name}-`) && (best === undefined || name.length > best.length)) best = name;
  return best === undefined ? undefined : prices[best];
}

/** A positive whole number of tokens, or undefined (empty, 0, anything else: no limit). */
function tokensOf(value: unknown): number | undefined {
  const raw = String(value ?? '').trim();
  return /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined;
}

/** A positive amount of dollars (`0.05`, `1e-5`), or undefined. */
function dollarsOf(value: unknown): number | undefined {
  const raw = String(value ?? '').trim();
  const dollars = Number(raw);
  return raw !== '' && Number.isFinite(dollars) && dollars > 0 ? dollars : undefined;
}

export class ExecutionBudget {
  private constructor(
    private readonly ctx: IExecuteFunctions,
    private readonly tokens: number | undefined,
    private readonly usd: number | undefined,
    private readonly prices: Record<string, TokenPrice>,
    private readonly flow: Record<string, unknown>,
  ) {}

  /** The budgets the LLM credential sets for the execution, if any. */
  static of(ctx: IExecuteFunctions, credentials: Record<string, unknown>): ExecutionBudget | undefined {
    const tokens = tokensOf(credentials.executionBudget);
    const usd = dollarsOf(credentials.executionBudgetUsd);
    if ((tokens === undefined && usd === undefined) || typeof ctx.getContext !== 'function') return undefined;
    return new ExecutionBudget(
      ctx,
      tokens,
      usd,
      parseTokenPrices(String(credentials.prices ?? '')),
      ctx.getContext('flow') as Record<string, unknown>,
    );
  }

  /** Fails before a call once a call of the execution went over a budget. */
  check(itemIndex: number): void {
    refuseIfExecutionStopped(this.ctx, itemIndex);
  }

  /**
   * Counts a call's tokens (and cost) against the budgets; the call that goes over stops the execution, its answer
   * kept (see the file's comment).
   */
  spend(usage: SpentTokens, model: string): void {
    const tokens = Number(this.flow[TOKENS_KEY] ?? 0) + usage.totalTokens;
    this.flow[TOKENS_KEY] = tokens;
    const spent = spentByNodeRun.get(this.ctx) ?? { usage: none(), byModel: {} };
    add(spent.usage, usage);
    add((spent.byModel[model] ??= none()), usage);
    spentByNodeRun.set(this.ctx, spent);
    const who = `Node "${this.ctx.getNode().name}"`;
    if (this.tokens !== undefined && tokens > this.tokens)
      return this.stop(
        `${who} brought the run to ${tokens} tokens, over the LLM credential's budget of ${this.tokens}; the run was stopped.`,
      );
    if (this.usd === undefined) return;
    const price = priceOfModel(this.prices, model);
    if (!price)
      return this.stop(
        `${who} called the model ${JSON.stringify(model)}, which has no price, so the LLM credential's USD budget of $${this.usd} cannot be checked; the run was stopped. Give the model a price (Prices on the LLM credential) or remove the USD budget.`,
      );
    const cost =
      Number(this.flow[COST_KEY] ?? 0) +
      (usage.promptTokens * price.prompt + usage.completionTokens * price.completion) / 1_000_000;
    this.flow[COST_KEY] = cost;
    if (cost > this.usd)
      this.stop(
        `${who} brought the run to $${cost.toFixed(6)} (${tokens} tokens), over the LLM credential's USD budget of $${this.usd}; the run was stopped.`,
      );
  }

  private stop(message: string): void {
    const spent = spentByNodeRun.get(this.ctx) ?? { usage: none(), byModel: {} };
    recordExecutionStop(this.ctx, { message, ...spent });
  }
}
