import type { ReactNode } from 'react';

/**
 * A small Markdown renderer to React elements (never HTML strings, so text from users, agents and stores cannot
 * inject markup): headings (#, ##, ###), paragraphs, bullet and numbered lists, **bold**, _italic_ / *italic*,
 * `code`, fenced code blocks, pipe tables, and [links](https://...) (http(s) and app paths only).
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return <div className={className ? `markdown ${className}` : 'markdown'}>{renderBlocks(text)}</div>;
}

function renderBlocks(text: string): ReactNode[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: ReactNode[] = [];
  let i = 0;
  let key = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const content = inline(heading[2]!);
      // Inside a page the block headings sit below the page's h1.
      out.push(
        level === 1 ? (
          <h3 key={key++}>{content}</h3>
        ) : level === 2 ? (
          <h4 key={key++}>{content}</h4>
        ) : (
          <h5 key={key++}>{content}</h5>
        ),
      );
      i++;
      continue;
    }
    if (/^```/.test(line)) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i]!)) code.push(lines[i++]!);
      i++;
      out.push(
        <pre key={key++} className="code" tabIndex={0}>
          <code>{code.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    if (/^\|.*\|\s*$/.test(line) && /^\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? '')) {
      const cells = (row: string) =>
        row
          .trim()
          .replace(/^\||\|$/g, '')
          .split('|')
          .map((c) => c.trim());
      const head = cells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && /^\|.*\|\s*$/.test(lines[i]!)) rows.push(cells(lines[i++]!));
      out.push(
        <div key={key++} className="table-scroll" tabIndex={0}>
          <table className="data-table">
            <thead>
              <tr>
                {head.map((c, n) => (
                  <th key={n} scope="col">
                    {inline(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, n) => (
                <tr key={n}>
                  {head.map((_, m) => (
                    <td key={m}>{inline(r[m] ?? '')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
      continue;
    }
    if (/^\s*[-*•]\s+/.test(line)) {
      const items: ReactNode[] = [];
      while (i < lines.length && /^\s*[-*•]\s+/.test(lines[i]!)) {
        items.push(<li key={items.length}>{inline(lines[i]!.replace(/^\s*[-*•]\s+/, ''))}</li>);
        i++;
      }
      out.push(<ul key={key++}>{items}</ul>);
      continue;
    }
    if (/^\s*\d+[.)]\s+/.test(line)) {
      const items: ReactNode[] = [];
      while (i < lines.length && /^\s*\d+[.)]\s+/.test(lines[i]!)) {
        items.push(<li key={items.length}>{inline(lines[i]!.replace(/^\s*\d+[.)]\s+/, ''))}</li>);
        i++;
      }
      out.push(<ol key={key++}>{items}</ol>);
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() &&
      !/^(#{1,3})\s+/.test(lines[i]!) &&
      !/^```/.test(lines[i]!) &&
      !/^\s*[-*•]\s+/.test(lines[i]!) &&
      !/^\s*\d+[.)]\s+/.test(lines[i]!)
    ) {
      paragraph.push(lines[i]!);
      i++;
    }
    out.push(<p key={key++}>{inline(paragraph.join('\n'))}</p>);
  }
  return out;
}

const TOKEN =
  /(\*\*[^*]+\*\*|__[^_]+__|`[^`]+`|\[[^\]]+\]\([^)\s]+\)|(?<![\w*])\*[^*\s][^*]*\*(?!\w)|(?<!\w)_[^_\s][^_]*_(?!\w))/;

function safeHref(href: string): string | undefined {
  if (/^https?:\/\//i.test(href)) return href;
  if (/^\/(?![/\\])/.test(href)) return href;
  return undefined;
}

export function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let key = 0;
  while (rest) {
    const match = TOKEN.exec(rest);
    if (!match) {
      out.push(rest);
      break;
    }
    if (match.index > 0) out.push(rest.slice(0, match.index));
    const token = match[0];
    if (token.startsWith('**') || token.startsWith('__'))
      out.push(<strong key={key++}>{inline(token.slice(2, -2))}</strong>);
    else if (token.startsWith('`')) out.push(<code key={key++}>{token.slice(1, -1)}</code>);
    else if (token.startsWith('[')) {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token)!;
      const href = safeHref(link[2]!);
      out.push(
        href ? (
          <a key={key++} href={href} target={href.startsWith('/') ? undefined : '_blank'} rel="noreferrer noopener">
            {link[1]}
          </a>
        ) : (
          link[1]
        ),
      );
    } else out.push(<em key={key++}>{inline(token.slice(1, -1))}</em>);
    rest = rest.slice(match.index + token.length);
  }
  return out;
}
