'use strict';
// The 1,000-line agent of the benchmarks: the Email Wizard's steps repeated under new ids (as valid as the
// original). bench/dsl times validation on it; bench/studio times the agent editor on it.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { cutAgentText } = require('@ionflux/dsl');

function bigAgentText() {
  const base = readFileSync(join(__dirname, '..', '..', 'examples', 'agents', 'email-wizard.yaml'), 'utf8');
  const layout = cutAgentText(base);
  const lines = base.split('\n');
  const stepsText = layout.steps
    .map((s) => s.text)
    .join('')
    .replace(/\n$/, '');
  const copies = [];
  for (let copy = 1; lines.length + copies.join('\n').split('\n').length < 1000; copy++) {
    let text = stepsText;
    for (const match of stepsText.matchAll(/\bid: ([a-zA-Z_]\w*)/g)) {
      text = text.replace(new RegExp(`(id: |steps\\.)${match[1]}\\b`, 'g'), `$1${match[1]}_${copy}`);
    }
    copies.push(text);
  }
  const last = layout.steps[layout.steps.length - 1];
  const insertAt = last.firstLine + last.text.split('\n').length - 1;
  return [...lines.slice(0, insertAt), ...copies, ...lines.slice(insertAt)].join('\n');
}

module.exports = { bigAgentText };
