import type { Block, BlockType, ChecklistItem } from '../api/types';

export const GRID = 10;
export const DEFAULT_SIZES: Record<BlockType, { width: number; height: number }> = {
  text: { width: 480, height: 150 },
  heading: { width: 480, height: 70 },
  checklist: { width: 380, height: 200 },
  agent_snippet: { width: 560, height: 380 },
  image: { width: 400, height: 300 },
  embed: { width: 480, height: 120 },
};
export const MIN_SIZE = { width: 160, height: 60 };

export function snap(value: number): number {
  return Math.round(value / GRID) * GRID;
}

export function textOf(block: Block): string {
  const content = block.content as { text?: unknown; title?: unknown } | null;
  if (typeof content?.text === 'string') return content.text;
  if (typeof content?.title === 'string') return content.title;
  return '';
}

export function checklistItems(block: Block): ChecklistItem[] {
  const items = (block.content as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as ChecklistItem[]) : [];
}

/** A short name for a block (labels of its controls). */
export function blockLabel(block: Block): string {
  const text = block.type === 'checklist' ? (checklistItems(block)[0]?.text ?? '') : textOf(block);
  const kind = {
    text: 'Text',
    heading: 'Heading',
    checklist: 'Checklist',
    agent_snippet: 'Agent',
    image: 'Image',
    embed: 'Embed',
  }[block.type];
  const short = text.replace(/\s+/g, ' ').trim().slice(0, 40);
  return short ? `${kind}: ${short}` : kind;
}

/** Where a new block goes: left column, below everything on the page. */
export function nextSlot(blocks: Block[]): { x: number; y: number } {
  const bottom = blocks.reduce((max, b) => Math.max(max, b.position.y + b.size.height), 0);
  return { x: 40, y: snap(bottom + (blocks.length ? 20 : 40)) };
}
