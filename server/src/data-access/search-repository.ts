import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SearchHit, SnippetSegment } from '../domain/model';
import { isoRequired, type Database } from './schema';

export type SearchableType = SearchHit['type'];

interface HitRow {
  type: SearchableType;
  id: string;
  title: string;
  snippet: string;
  rank: number;
  page_id: string | null;
  channel_id: string | null;
  library_id: string | null;
  created_at: Date;
}

/**
 * ts_headline options with highlight markers that cannot come from the text: fresh random ones per query. The
 * headline is then split on them into plain-text segments, so no markup is ever mixed with what users wrote.
 */
function headlineMarkers(): { options: string; start: string; stop: string } {
  const nonce = randomBytes(12).toString('hex');
  const start = `ifxhl${nonce}s`;
  const stop = `ifxhl${nonce}e`;
  return { options: `MaxFragments=1, MaxWords=24, MinWords=8, StartSel=${start}, StopSel=${stop}`, start, stop };
}

/**
 * A headline with `start`/`stop` markers -> segments `{ text, match }` (adjacent segments of the same kind merged,
 * empty ones dropped).
 *
 * @example toSnippetSegments('the <s>holiday<e> plan', '<s>', '<e>')
 *          // [{ text: 'the ', match: false }, { text: 'holiday', match: true }, { text: ' plan', match: false }]
 */
export function toSnippetSegments(headline: string, start: string, stop: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  const push = (text: string, match: boolean) => {
    if (text === '') return;
    const last = segments[segments.length - 1];
    if (last && last.match === match) last.text += text;
    else segments.push({ text, match });
  };
  let rest = headline;
  while (rest.length > 0) {
    const open = rest.indexOf(start);
    if (open === -1) {
      push(rest, false);
      break;
    }
    push(rest.slice(0, open), false);
    const afterOpen = rest.slice(open + start.length);
    const close = afterOpen.indexOf(stop);
    if (close === -1) {
      push(afterOpen, true);
      break;
    }
    push(afterOpen.slice(0, close), true);
    rest = afterOpen.slice(close + stop.length);
  }
  return segments;
}

/**
 * Full-text search over pages, blocks, messages and prompts of one workspace, ranked together. `tsquery` is a
 * `to_tsquery` expression built by the caller from sanitized words. Private channels only show to their members
 * (`viewerUserId`: the user, or the creator of an API token).
 */
export async function searchWorkspace(
  db: Kysely<Database>,
  args: { workspaceId: string; tsquery: string; types: SearchableType[]; viewerUserId: string; limit: number },
): Promise<SearchHit[]> {
  const q = sql`to_tsquery('english', ${args.tsquery})`;
  const markers = headlineMarkers();
  const HEADLINE = markers.options;
  const parts = [];
  if (args.types.includes('page')) {
    parts.push(sql`(select 'page' as type, p.id, p.title, ts_headline('english', p.title, ${q}, ${HEADLINE}) as snippet,
        ts_rank(p.search, ${q}) * 1.5 as rank, p.id as page_id, null::uuid as channel_id, null::uuid as library_id, p.created_at
      from canvas_pages p
      where p.workspace_id = ${args.workspaceId} and p.archived_at is null and p.search @@ ${q}
      order by rank desc limit ${args.limit})`);
  }
  if (args.types.includes('block')) {
    parts.push(sql`(select 'block' as type, b.id, p.title,
        ts_headline('english', coalesce((select string_agg(v #>> '{}', ' ') from jsonb_path_query(b.content, 'strict $.** ? (@.type() == "string")') as v), ''), ${q}, ${HEADLINE}) as snippet,
        ts_rank(b.search, ${q}) as rank, b.page_id, null::uuid as channel_id, null::uuid as library_id, b.created_at
      from canvas_blocks b join canvas_pages p on p.id = b.page_id and p.workspace_id = b.workspace_id
      where b.workspace_id = ${args.workspaceId} and p.archived_at is null and b.search @@ ${q}
      order by rank desc limit ${args.limit})`);
  }
  if (args.types.includes('message')) {
    const visible = sql`(c.visibility = 'public' or exists (select 1 from channel_members cm where cm.channel_id = c.id and cm.user_id = ${args.viewerUserId}))`;
    parts.push(sql`(select 'message' as type, m.id, '#' || c.name as title, ts_headline('english', m.text, ${q}, ${HEADLINE}) as snippet,
        ts_rank(m.search, ${q}) as rank, null::uuid as page_id, m.channel_id, null::uuid as library_id, m.created_at
      from chat_messages m join chat_channels c on c.id = m.channel_id and c.workspace_id = m.workspace_id
      where m.workspace_id = ${args.workspaceId} and m.deleted_at is null and m.search @@ ${q} and ${visible}
      order by rank desc limit ${args.limit})`);
  }
  if (args.types.includes('prompt')) {
    parts.push(sql`(select 'prompt' as type, pr.id, pr.name as title, ts_headline('english', pr.description || ' ' || pr.template, ${q}, ${HEADLINE}) as snippet,
        ts_rank(pr.search, ${q}) as rank, null::uuid as page_id, null::uuid as channel_id, pr.library_id, pr.created_at
      from prompts pr
      where pr.workspace_id = ${args.workspaceId} and pr.search @@ ${q}
      order by rank desc limit ${args.limit})`);
  }
  if (parts.length === 0) return [];
  const result =
    await sql<HitRow>`select * from (${sql.join(parts, sql` union all `)}) hits order by rank desc, created_at desc limit ${args.limit}`.execute(
      db,
    );
  return result.rows.map((row) => ({
    type: row.type,
    id: row.id,
    title: row.title,
    snippet: toSnippetSegments(row.snippet, markers.start, markers.stop),
    rank: Number(row.rank),
    pageId: row.page_id,
    channelId: row.channel_id,
    libraryId: row.library_id,
    createdAt: isoRequired(row.created_at),
  }));
}
