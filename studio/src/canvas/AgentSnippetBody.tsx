import type { Block } from '../api/types';
import { OutputView } from '../agents/OutputView';
import { timeAgo } from '../hooks';

interface SnippetContent {
  title?: string;
  status?: string;
  markdown?: string;
  data?: unknown;
  error?: { message?: string; step?: string; line?: number; col?: number } | string;
}

/** An agent's latest output on the page: its title, status, who wrote it and when, rendered by shape. */
export function AgentSnippetBody({ block }: { block: Block; canEdit: boolean }) {
  const content = (block.content ?? {}) as SnippetContent;
  const status = content.status ?? 'succeeded';
  const error = typeof content.error === 'string' ? { message: content.error } : content.error;
  return (
    <div className="snippet">
      <header className="snippet-header">
        <h3 className="snippet-title">{content.title ?? 'Agent output'}</h3>
        <span className={`status status-${status}`}>{status}</span>
      </header>
      {status === 'failed' && error ? (
        <p role="alert" className="error">
          {error.message ?? 'The run failed.'}
          {error.step && (
            <>
              {' '}
              (step {error.step}
              {error.line ? `, line ${error.line}:${error.col ?? 1}` : ''})
            </>
          )}
        </p>
      ) : (
        <OutputView data={content.data} markdown={content.markdown} title={content.title} />
      )}
      <p className="hint written-by">
        {block.writtenByRunId
          ? `Written by run ${block.writtenByRunId}, ${timeAgo(block.updatedAt)}`
          : `Updated ${timeAgo(block.updatedAt)}`}
      </p>
    </div>
  );
}
