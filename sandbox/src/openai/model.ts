/**
 * `ionflux-sandbox-1`: a deterministic, offline stand-in for a chat model. It never claims to be a real LLM. It reads
 * the conversation, decides what is asked (structured extraction, tool call, classification, summary, keywords,
 * a draft, a question) and composes the answer from the input text:
 *
 * - summaries are extractive (TextRank sentences in original order, honouring "in N sentences/words/bullets");
 * - classification picks the closest of the labels the prompt lists;
 * - JSON answers are filled from the text by `extractBySchema` and validate against the requested schema;
 * - drafts ("write an outreach email to @handle about X") are templates filled with the handle, topic and facts
 *   found in the conversation.
 */
import { extractEntities, extractKeywords, rankSentences, sentimentLabel, summarize } from './analysis';
import { chooseLabel, extractBySchema, keysFromInstruction, schemaForKeys } from './extract';
import type { JsonSchema } from './extract';
import { contentStems, fnv1a, identifierWords, splitSentences, stem } from './text';

export const CHAT_MODEL_ID = 'ionflux-sandbox-1';

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content: string | null;
  name?: string;
  toolCallId?: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export type ToolChoice = 'none' | 'auto' | 'required' | { name: string };

export type ResponseFormat =
  { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; name: string; schema: JsonSchema };

export interface ModelRequest {
  messages: ChatMessage[];
  responseFormat: ResponseFormat;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  now: Date;
}

export type ModelReply =
  | { kind: 'text'; content: string; task: string }
  | { kind: 'tool_call'; name: string; arguments: string; task: string };

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  single: 1,
  a: 1,
};

interface Parsed {
  system: string;
  instruction: string;
  /** The material to work on: earlier messages plus the text accompanying the instruction (or the whole message). */
  document: string;
  /** Material other than the instruction itself (empty when the last message is only an instruction). */
  material: string;
}

/** Separates the last user instruction from the material it refers to. */
function parseConversation(messages: ChatMessage[]): Parsed {
  const system = messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => m.content ?? '')
    .join('\n');
  const lastUserIndex = messages.map((m) => m.role).lastIndexOf('user');
  const lastUser = lastUserIndex >= 0 ? (messages[lastUserIndex]!.content ?? '') : '';
  const context = messages
    .filter((m, i) => i !== lastUserIndex && (m.role === 'user' || m.role === 'tool' || m.role === 'function'))
    .map((m) => m.content ?? '')
    .filter(Boolean);
  let instruction = lastUser;
  let document = '';
  let split = true;
  const fenced = [...lastUser.matchAll(/```[a-z]*\n?([\s\S]*?)```|"""([\s\S]*?)"""|<text>([\s\S]*?)<\/text>/g)];
  if (fenced.length > 0) {
    document = fenced.map((m) => (m[1] ?? m[2] ?? m[3] ?? '').trim()).join('\n\n');
    instruction = lastUser.replace(/```[a-z]*\n?[\s\S]*?```|"""[\s\S]*?"""|<text>[\s\S]*?<\/text>/g, ' ').trim();
  } else {
    const paragraphs = lastUser.split(/\n\s*\n/);
    const lines = lastUser.split(/\n/);
    const colon = /^([^\n]{3,240}?):\s*(?:\n|\s)([\s\S]+)$/.exec(lastUser);
    if (paragraphs.length > 1 && isInstruction(paragraphs[0]!)) {
      instruction = paragraphs[0]!;
      document = paragraphs.slice(1).join('\n\n');
    } else if (lines.length > 1 && isInstruction(lines[0]!)) {
      instruction = lines[0]!;
      document = lines.slice(1).join('\n');
    } else if (colon && isInstruction(colon[1]!)) {
      instruction = colon[1]!;
      document = colon[2]!;
    } else {
      document = lastUser;
      split = false;
    }
  }
  const material = [...context, split ? document : ''].filter((d) => d.trim() !== '').join('\n\n');
  document = [...context, document].filter((d) => d.trim() !== '').join('\n\n');
  return { system, instruction: instruction.trim(), document: document.trim(), material: material.trim() };
}

const INSTRUCTION_VERBS =
  /\b(summar(?:y|ies|i[sz]\w*)|tl;?dr|extract|classify|categori[sz]e|label|write|draft|compose|create|generate|list|give|find|identify|pull|return|rewrite|translate|analy[sz]e|recap|condense|tag|suggest|brainstorm|reply|respond|answer|tell|determine|decide|choose|pick|rate|score|describe|explain)\b/i;

function isInstruction(text: string): boolean {
  return INSTRUCTION_VERBS.test(text) && text.length < 400;
}

function requestedCount(text: string, units: RegExp): number | null {
  const re = new RegExp(
    `\\b(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a|single)[ -]+(?:short |brief |key |main |concise |crisp |catchy )?(?:${units.source})\\b`,
    'i',
  );
  const m = re.exec(text);
  if (!m) return null;
  const raw = m[1]!.toLowerCase();
  return /^\d+$/.test(raw) ? Number(raw) : (NUMBER_WORDS[raw] ?? null);
}

function bulletList(items: string[]): string {
  return items.map((i) => `- ${i}`).join('\n');
}

// ---------------------------------------------------------------------------------------------------------------------
// Tasks

function summaryTask(p: Parsed): string {
  const text = p.document || p.instruction;
  const all = `${p.system}\n${p.instruction}`;
  const wordsLimit =
    /\b(?:in|under|within|max(?:imum)?|at most|no more than|about|around)\s+(\d{1,4})\s+words?\b/i.exec(all) ??
    /\b(\d{1,4})[ -]words?\b/i.exec(all);
  const bullets = /\b(bullets?|bullet points?|points|list)\b/i.test(all);
  const count =
    requestedCount(all, /sentences?|bullets?|bullet points?|points?|lines?|takeaways?|highlights?/) ??
    (/\b(one|single)[- ]sentence\b|\bone-liner\b|\btl;?dr\b/i.test(all)
      ? 1
      : /\b(brief|short|concise|quick)\b/i.test(all)
        ? 2
        : /\b(detailed|long|thorough|comprehensive)\b/i.test(all)
          ? 5
          : 3);
  const focus = /\b(?:focus(?:ing)? on|about|regarding|with emphasis on)\s+([^.;\n]+)/i.exec(p.instruction)?.[1] ?? '';
  const sentences = wordsLimit
    ? summarize(text, { words: Number(wordsLimit[1]) }, focus)
    : summarize(text, { sentences: count }, focus);
  if (sentences.length === 0)
    return 'There is no text to summarize. Add the text to the message (for example after a blank line).';
  return bullets ? bulletList(sentences) : sentences.join(' ');
}

function keywordTask(p: Parsed): string {
  const text = p.document || p.instruction;
  const all = `${p.system}\n${p.instruction}`;
  const count = requestedCount(all, /keywords?|key ?phrases?|tags?|hashtags?|topics?|terms?|entities/) ?? 8;
  if (/\bentit(y|ies)\b|\bnamed\b|\bnames\b|\bpeople\b|\borgani[sz]ations?\b/i.test(all)) {
    const entities = extractEntities(text).slice(0, Math.max(count, 12));
    if (entities.length === 0) return 'No entities found in the text.';
    return bulletList(entities.map((e) => `${e.type}: ${e.text}`));
  }
  const keywords = extractKeywords(text, count).map((k) => k.phrase);
  if (keywords.length === 0) return 'No keywords found in the text.';
  if (/\bhashtags?\b/i.test(all)) {
    const existing = extractEntities(text)
      .filter((e) => e.type === 'hashtag')
      .map((e) => e.text);
    const tags = [
      ...new Set([...existing, ...keywords.map((k) => `#${k.toLowerCase().replace(/[^a-z0-9]+/g, '')}`)]),
    ].slice(0, count);
    return tags.join(' ');
  }
  if (/\bcomma[- ]separated\b|\bcomma\b/i.test(all)) return keywords.join(', ');
  return bulletList(keywords);
}

/** Labels listed in a prompt: "labels: a, b, c", "one of [a|b|c]", "either a or b", or a bullet list after the cue. */
export function findLabels(text: string): string[] | null {
  const clean = (items: string[]) => {
    const out = items
      .map((s) =>
        s
          .trim()
          .replace(/^["'`*]+|["'`*.?!]+$/g, '')
          .trim(),
      )
      .filter((s) => s.length > 0 && s.length <= 60 && s.split(/\s+/).length <= 5);
    return out.length >= 2 ? [...new Set(out)] : null;
  };
  const listAfter =
    /(?:labels?|categories|category|classes|options|choices|one of(?: the following)?|among|from|tags?)\s*(?:are|is|:|-)?\s*\[?([^\n\]]*?(?:,|\||\/|\bor\b)[^\n\]]*)\]?(?:\n|$|\.(?:\s|$))/i.exec(
      text,
    );
  if (listAfter) {
    const labels = clean(listAfter[1]!.split(/,|\||\/|\bor\b/));
    if (labels) return labels;
  }
  const bullets =
    /(?:labels?|categories|classes|options|choices|one of)[^\n]*:\s*\n((?:\s*(?:[-*•]|\d+[.)])\s*[^\n]+\n?)+)/i.exec(
      text,
    );
  if (bullets) {
    const labels = clean(
      bullets[1]!
        .split('\n')
        .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, ''))
        .filter(Boolean),
    );
    if (labels) return labels;
  }
  const either = /\beither\s+["']?([\w\s-]+?)["']?\s+or\s+["']?([\w\s-]+?)["']?(?:[.,;?!\n]|$)/i.exec(text);
  if (either) return clean([either[1]!, either[2]!]);
  if (/\bsentiment\b/i.test(text)) return ['positive', 'negative', 'neutral'];
  return null;
}

function classifyTask(p: Parsed, labels: string[]): string {
  const text = p.document || p.instruction.replace(/(labels?|categories|options|choices)[^\n]*/i, '');
  return chooseLabel(labels, text).label;
}

function questionTask(p: Parsed): string {
  const ranked = rankSentences(p.material, p.instruction).filter((s) =>
    contentStems(s.text).some((t) => contentStems(p.instruction).includes(t)),
  );
  if (!p.material || ranked.length === 0) {
    return `I'm ionflux-sandbox-1, a deterministic offline sandbox model, not a real LLM: I can only answer from text you provide. I found nothing in the conversation that answers "${p.instruction.slice(0, 160)}".`;
  }
  const best = [...ranked]
    .sort((a, b) => b.score - a.score)
    .slice(0, 2)
    .sort((a, b) => a.index - b.index);
  return best.map((s) => s.text).join(' ');
}

function fallbackTask(p: Parsed): string {
  const text = p.document || p.instruction;
  const summary = summarize(text, { sentences: 2 });
  const keywords = extractKeywords(text, 5).map((k) => k.phrase);
  return [
    "I'm ionflux-sandbox-1, the IONFLUX sandbox model: deterministic and offline, not a real LLM. Here is what I can extract from your message.",
    summary.length > 0 ? `Summary: ${summary.join(' ')}` : '',
    keywords.length > 0 ? `Key terms: ${keywords.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

// ---------------------------------------------------------------------------------------------------------------------
// Drafting

function nameFromHandle(handle: string): string {
  const base =
    handle
      .replace(/^@/, '')
      .split(/[._\d]/)
      .find((p) => p.length >= 2) ?? handle.replace(/^@/, '');
  return base.charAt(0).toUpperCase() + base.slice(1);
}

function topicOf(p: Parsed): string {
  const m =
    /\b(?:about|regarding|on the topic of|to promote|promoting|featuring|for our|for my|for the|for)\s+(.+?)(?=[.,;!?\n]|\s+(?:and ask|and mention|with a|in a|in \d|that|which|using|to @)|$)/i.exec(
      p.instruction,
    );
  if (m) return m[1]!.trim().replace(/^(our|my|the|a|an)\s+/i, '');
  return extractKeywords(p.document || p.instruction, 1)[0]?.phrase ?? 'our latest collection';
}

function brandOf(p: Parsed): string {
  const sources = [p.system, p.document, p.instruction];
  for (const s of sources) {
    const kv = /\b(?:brand|store|shop|company|sender|from)\s*[:=]\s*([^\n,.]+)/i.exec(s);
    if (kv) return kv[1]!.trim();
    const at =
      /\b(?:work(?:ing)? (?:for|at)|on behalf of|marketing (?:for|at)|represent(?:ing)?|assistant for)\s+([A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3})/.exec(
        s,
      );
    if (at) return at[1]!.trim();
  }
  return 'our team';
}

function factsFor(p: Parsed, topic: string, limit: number): string[] {
  if (!p.material) return [];
  return summarize(p.material, { sentences: limit }, topic).filter((s) => s.length < 300);
}

function draftTask(p: Parsed): string {
  const all = `${p.instruction}\n${p.system}`;
  const variant = fnv1a(p.instruction) % 3;
  const handle =
    /(?<![\w.])@[A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_]/.exec(p.instruction)?.[0] ??
    extractEntities(p.document).find((e) => e.type === 'handle')?.text ??
    null;
  const toName = /\bto\s+([A-Z][a-z]+)(?:\s|,|$)/.exec(p.instruction)?.[1];
  const name = handle ? nameFromHandle(handle) : (toName ?? 'there');
  const topic = topicOf(p);
  const brand = brandOf(p);
  const facts = factsFor(p, topic, 2);
  const keywords = extractKeywords(`${topic}. ${p.material}`, 4).map((k) => k.phrase);

  if (/\b(caption|tiktok post|instagram post|tweet|hook)\b/i.test(all)) {
    const tags = [
      ...new Set(keywords.map((k) => `#${k.toLowerCase().replace(/[^a-z0-9]+/g, '')}`).filter((t) => t.length > 2)),
    ].slice(0, 4);
    const openers = [
      `${topic.charAt(0).toUpperCase()}${topic.slice(1)} just dropped`,
      `POV: you found ${topic}`,
      `Everything you need to know about ${topic}`,
    ];
    return `${openers[variant]} ✨ ${facts[0] ? facts[0].replace(/\.$/, '') + '.' : ''} ${tags.join(' ')}`
      .replace(/\s+/g, ' ')
      .trim();
  }
  if (/\b(ideas?|list|brainstorm|suggestions?|angles?)\b/i.test(all) && !/\b(email|message|dm)\b/i.test(all)) {
    const count = requestedCount(all, /ideas?|suggestions?|angles?|items?|options?/) ?? 5;
    const angles = [
      'a quick how-to',
      'a before/after reveal',
      'a day-in-the-life',
      'a myth vs fact',
      'a customer story',
      'a behind-the-scenes look',
      'a top-3 ranking',
      'a challenge',
    ];
    const terms = keywords.length > 0 ? keywords : [topic];
    return Array.from(
      { length: Math.min(count, 10) },
      (_, i) => `${i + 1}. ${topic}: ${angles[(i + variant) % angles.length]} built around ${terms[i % terms.length]}`,
    ).join('\n');
  }
  if (/\b(reply|respond|response)\b/i.test(all)) {
    const sentiment = sentimentLabel(p.document);
    const opener =
      sentiment === 'negative'
        ? `I'm sorry to hear about ${topic}, and thank you for letting us know.`
        : `Thanks so much for reaching out about ${topic}!`;
    return [
      `Hi ${name},`,
      '',
      opener,
      facts[0] ? `Here is what we have on our side: ${facts[0]}` : '',
      'We will follow up with the next steps shortly.',
      '',
      'Best,',
      brand === 'our team' ? 'The team' : `${brand} team`,
    ]
      .filter((l, i, arr) => l !== '' || arr[i - 1] !== '')
      .join('\n');
  }
  // Default: email / DM / outreach message.
  const subjects = [
    `Collab idea: ${topic}${handle ? ` x ${handle}` : ''}`,
    `${brand === 'our team' ? 'Partnership' : brand} + ${handle ?? name}: ${topic}`,
    `Quick question about ${topic}`,
  ];
  const openings = [
    `I'm reaching out from ${brand} because we think your audience would love ${topic}.`,
    `We've been following ${handle ?? 'your work'} and ${topic} feels like a natural fit for your content.`,
    `I'm writing from ${brand} about ${topic}.`,
  ];
  const asks = [
    `Would you be open to a paid collaboration? Happy to send product and talk rates this week.`,
    `If you're interested, reply with your rates and availability and we'll send over a brief.`,
    `Could we set up a quick call to see if it's a fit?`,
  ];
  const isDm = /\b(dm|direct message|message)\b/i.test(all) && !/\bemail\b/i.test(all);
  const body = [
    `Hi ${name},`,
    '',
    openings[variant]!,
    ...(facts.length > 0 ? ['', ...facts.map((f) => `• ${f}`)] : []),
    '',
    asks[variant]!,
    '',
    'Best,',
    brand === 'our team' ? 'The team' : `${brand} team`,
  ];
  return isDm ? body.join('\n') : [`Subject: ${subjects[variant]}`, '', ...body].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------------
// Tools

function toolRelevance(tool: ToolSpec, text: string): number {
  const stems = new Set(contentStems(text));
  const toolStems = [...identifierWords(tool.name).map(stem), ...contentStems(tool.description)];
  return [...new Set(toolStems)].filter((s) => stems.has(s)).length;
}

function describeToolResult(content: string): string {
  try {
    const parsed = JSON.parse(content) as unknown;
    const lines: string[] = [];
    const walk = (value: unknown, prefix: string, depth: number) => {
      if (lines.length >= 12) return;
      if (Array.isArray(value)) {
        lines.push(`${prefix || 'items'}: ${value.length} item${value.length === 1 ? '' : 's'}`);
        value.slice(0, 3).forEach((v, i) => walk(v, `${prefix}[${i}]`, depth + 1));
      } else if (value && typeof value === 'object') {
        if (depth > 2) return;
        for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k, depth + 1);
      } else lines.push(`${prefix || 'value'}: ${String(value)}`);
    };
    walk(parsed, '', 0);
    return bulletList(lines);
  } catch {
    return summarize(content, { sentences: 3 }).join(' ') || content.slice(0, 500);
  }
}

// ---------------------------------------------------------------------------------------------------------------------

export function respond(request: ModelRequest): ModelReply {
  const p = parseConversation(request.messages);
  // A message that is all material is its own instruction too: counting its words twice would skew every score.
  const extractionText = [p.document, p.document.includes(p.instruction) ? '' : p.instruction]
    .filter(Boolean)
    .join('\n\n');
  const last = request.messages[request.messages.length - 1];

  if (request.tools.length > 0 && request.toolChoice !== 'none' && last?.role !== 'tool' && last?.role !== 'function') {
    let tool: ToolSpec | undefined;
    if (typeof request.toolChoice === 'object')
      tool = request.tools.find((t) => t.name === (request.toolChoice as { name: string }).name);
    else {
      const scored = request.tools
        .map((t) => ({ t, score: toolRelevance(t, `${p.instruction} ${p.document}`) }))
        .sort((a, b) => b.score - a.score);
      if (request.toolChoice === 'required' || (scored[0] && scored[0].score > 0)) tool = scored[0]!.t;
    }
    if (tool) {
      const args = extractBySchema(tool.parameters, extractionText, { now: request.now, instruction: p.instruction });
      return { kind: 'tool_call', name: tool.name, arguments: JSON.stringify(args ?? {}), task: 'tool_call' };
    }
  }

  if (request.responseFormat.type === 'json_schema') {
    const value = extractBySchema(request.responseFormat.schema, extractionText, {
      now: request.now,
      instruction: p.instruction,
    });
    return { kind: 'text', content: JSON.stringify(value), task: 'extract_json_schema' };
  }
  if (request.responseFormat.type === 'json_object') {
    const keys = keysFromInstruction(`${p.instruction}\n${p.system}`);
    const schema: JsonSchema =
      keys.length > 0
        ? schemaForKeys(keys)
        : {
            type: 'object',
            properties: {
              summary: { type: 'string' },
              keywords: { type: 'array', items: { type: 'string' } },
              sentiment: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
            },
            required: ['summary', 'keywords', 'sentiment'],
          };
    return {
      kind: 'text',
      content: JSON.stringify(
        extractBySchema(schema, p.document || extractionText, { now: request.now, instruction: p.instruction }),
      ),
      task: 'extract_json_object',
    };
  }

  if (last?.role === 'tool' || last?.role === 'function') {
    const toolName = last.name ?? 'the tool';
    return {
      kind: 'text',
      content: `Here is what ${toolName} returned:\n${describeToolResult(last.content ?? '')}`,
      task: 'tool_result',
    };
  }

  const cue = `${p.instruction}\n${p.system}`;
  const labels =
    /\b(classify|classification|categori[sz]e|categor(y|ies)|label|which (one|category|label|option)|choose|pick|one of|sentiment|is this|is it)\b/i.test(
      p.instruction,
    )
      ? findLabels(cue)
      : null;
  if (labels) return { kind: 'text', content: classifyTask(p, labels), task: 'classify' };
  if (
    /\b(summar(?:y|ies|i[sz]\w*)|tl;?dr|recap|key points|main points|condense|gist|overview|highlights|takeaways)\b/i.test(
      p.instruction,
    )
  )
    return { kind: 'text', content: summaryTask(p), task: 'summarize' };
  if (
    /\b(keywords?|key ?phrases?|hashtags?|tags|topics|entities|named entities)\b/i.test(p.instruction) &&
    /\b(extract|list|give|find|identify|suggest|generate|what are|pull)\b/i.test(p.instruction) &&
    !/\b(caption|email|post)\b/i.test(p.instruction)
  ) {
    return { kind: 'text', content: keywordTask(p), task: 'keywords' };
  }
  if (/\b(write|draft|compose|create|generate|suggest|brainstorm|come up with|reply|respond)\b/i.test(p.instruction))
    return { kind: 'text', content: draftTask(p), task: 'generate' };
  if (/\?\s*$/.test(p.instruction) || /^(what|who|when|where|why|how|which|does|do|is|are|can)\b/i.test(p.instruction))
    return { kind: 'text', content: questionTask(p), task: 'answer' };
  return { kind: 'text', content: fallbackTask(p), task: 'fallback' };
}

export { splitSentences };
