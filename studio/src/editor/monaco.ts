// Lean Monaco entry (monaco-editor >= 0.56 entry points): the editor API, its features, and only the languages the
// agent editor needs (YAML colours; JSON for the n8n import). Not `monaco-editor` whole (90 languages, TS service).
export * from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/features/json/register';
