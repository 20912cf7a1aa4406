import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Channel, Member } from '../api/types';
import { emitWithAck, realtime } from '../realtime';
import { useAgentNames } from '../agents/agent-names';

export interface ComposerSubmit {
  text: string;
  mentions: string[];
}

interface Suggestion {
  id: string;
  label: string;
  detail: string;
  /** The whole input text after choosing it. */
  apply: (text: string) => string;
  mention?: string;
}

export const COMMANDS = [
  { name: 'run_agent', usage: '/run_agent <agent> [action]', detail: 'Run an installed agent here' },
  { name: 'assign', usage: '/assign @person <task>', detail: 'Assign a task to a member' },
  { name: 'help', usage: '/help', detail: 'What you can type here' },
];

function suggestionsFor(
  text: string,
  members: Member[],
  agents: Array<{ name: string; actions: string[] }>,
): Suggestion[] {
  const command = /^\/(\w*)$/.exec(text);
  if (command) {
    const prefix = command[1]!.toLowerCase();
    return COMMANDS.filter((c) => c.name.startsWith(prefix)).map((c) => ({
      id: `cmd-${c.name}`,
      label: c.usage,
      detail: c.detail,
      apply: () => `/${c.name} `,
    }));
  }
  const run = /^\/run_agent\s+(.*)$/i.exec(text);
  if (run) {
    const rest = run[1]!;
    const chosen = agents.find((a) => rest.toLowerCase().startsWith(`${a.name.toLowerCase()} `));
    if (chosen) {
      const actionPrefix = rest.slice(chosen.name.length + 1).toLowerCase();
      if (/\s/.test(actionPrefix)) return [];
      return chosen.actions
        .filter((a) => a.toLowerCase().startsWith(actionPrefix) && a.toLowerCase() !== actionPrefix)
        .map((a) => ({
          id: `act-${a}`,
          label: a,
          detail: `action of ${chosen.name}`,
          apply: () => `/run_agent ${chosen.name} ${a}`,
        }));
    }
    return agents
      .filter((a) => a.name.toLowerCase().startsWith(rest.toLowerCase()) && a.name.toLowerCase() !== rest.toLowerCase())
      .map((a) => ({ id: `agent-${a.name}`, label: a.name, detail: 'agent', apply: () => `/run_agent ${a.name} ` }));
  }
  const mention = /(^|\s)@([^@\s]*)$/.exec(text);
  if (mention) {
    const prefix = mention[2]!.toLowerCase();
    const start = text.length - prefix.length - 1;
    return members
      .filter((m) => m.displayName.toLowerCase().startsWith(prefix) || m.email.toLowerCase().startsWith(prefix))
      .slice(0, 8)
      .map((m) => ({
        id: `member-${m.userId}`,
        label: `@${m.displayName}`,
        detail: m.email,
        mention: m.userId,
        apply: (t) => `${t.slice(0, start)}@${m.displayName} `,
      }));
  }
  return [];
}

/**
 * The message input: Enter sends; typing "/" lists commands, "/run_agent " lists agents and their actions, "@" lists
 * members (ARIA combobox: arrows move, Enter or Tab chooses, Escape closes). Mentions notify the people named.
 */
export function Composer({
  channel,
  members,
  onSubmit,
  label,
}: {
  channel: Channel;
  members: Member[];
  onSubmit: (s: ComposerSubmit) => void;
  label?: string;
}) {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState(false);
  const [help, setHelp] = useState(false);
  const agents = useAgentNames(channel.workspaceId);
  const listId = useId();
  const inputId = useId();
  const typingSent = useRef(0);
  const suggestions = useMemo(
    () => (closed ? [] : suggestionsFor(text, members, agents)),
    [text, members, agents, closed],
  );
  const open = suggestions.length > 0;

  useEffect(() => setActive(0), [suggestions.length]);

  function signalTyping(isTyping: boolean) {
    const socket = realtime();
    if (!socket.connected) return;
    if (isTyping && Date.now() - typingSent.current < 2500) return;
    typingSent.current = isTyping ? Date.now() : 0;
    void emitWithAck('typing', { workspaceId: channel.workspaceId, channelId: channel.id, typing: isTyping }).catch(
      () => undefined,
    );
  }

  function choose(s: Suggestion) {
    setText(s.apply(text));
    setClosed(false);
  }

  function submit() {
    const value = text.trim();
    if (!value) return;
    if (value === '/help') {
      setHelp(true);
      setText('');
      return;
    }
    const mentions = members.filter((m) => value.includes(`@${m.displayName}`)).map((m) => m.userId);
    onSubmit({ text: value, mentions });
    setText('');
    setHelp(false);
    signalTyping(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      setActive((a) => (a + (event.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
    } else if (open && (event.key === 'Enter' || event.key === 'Tab')) {
      event.preventDefault();
      choose(suggestions[active]!);
    } else if (open && event.key === 'Escape') {
      event.preventDefault();
      setClosed(true);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      submit();
    }
  }

  return (
    <div className="composer">
      {open && (
        <ul id={listId} role="listbox" className="suggestions" aria-label="Suggestions">
          {suggestions.map((s, i) => (
            <li
              key={s.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(s);
              }}
            >
              <span className="suggestion-label">{s.label}</span> <span className="hint">{s.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {help && (
        <div className="composer-help" role="note">
          <p>Commands:</p>
          <ul>
            {COMMANDS.map((c) => (
              <li key={c.name}>
                <code>{c.usage}</code>: {c.detail}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setHelp(false)}>
            Close help
          </button>
        </div>
      )}
      <label htmlFor={inputId} className="visually-hidden">
        {label ?? `Message #${channel.name}`}
      </label>
      <div className="composer-row">
        <input
          id={inputId}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          autoComplete="off"
          placeholder={label ?? `Message #${channel.name} (/ for commands, @ to mention)`}
          value={text}
          maxLength={20000}
          onChange={(e) => {
            setText(e.target.value);
            setClosed(false);
            signalTyping(e.target.value.length > 0);
          }}
          onBlur={() => signalTyping(false)}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="primary" onClick={submit}>
          Send
        </button>
      </div>
    </div>
  );
}
