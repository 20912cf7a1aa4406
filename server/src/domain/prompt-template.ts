/**
 * `{{variable}}` templates of the prompt library. Variable names: letters, digits, `_`, `.`, `-`, starting with a
 * letter or `_`; whitespace inside the braces is allowed (`{{ brand_name }}`).
 *
 * @example extractVariables('Hi {{name}}, about {{ product }} and {{name}}') // ['name', 'product']
 *          renderTemplate({ template: 'Hi {{name}}', variables: { name: 'Ana' } }) // { text: 'Hi Ana', missing: [] }
 */
const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export function extractVariables(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(VARIABLE)) if (!names.includes(match[1]!)) names.push(match[1]!);
  return names;
}

/** Fills the variables it has values for; the ones it lacks stay as written and are listed in `missing`. */
export function renderTemplate(args: { template: string; variables: Record<string, string> }): {
  text: string;
  missing: string[];
} {
  const missing: string[] = [];
  const text = args.template.replace(VARIABLE, (whole, name: string) => {
    if (Object.hasOwn(args.variables, name)) return args.variables[name]!;
    if (!missing.includes(name)) missing.push(name);
    return whole;
  });
  return { text, missing };
}
