// Lean Monaco entry (monaco-editor >= 0.56 entry points): the editor API, the features the agent editor uses
// (monaco-features.ts), and only the languages it needs (YAML colours; JSON for the n8n import). Not `monaco-editor`
// whole (90 languages, TS service).
export * from 'monaco-editor/editor';
import './monaco-features';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/features/json/register';
