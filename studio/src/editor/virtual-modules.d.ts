declare module 'virtual:agent-schema-validator' {
  import type { ValidateFunction } from 'ajv/dist/2020';
  const validate: ValidateFunction;
  export default validate;
}

declare module 'virtual:json-schema-meta-validator' {
  import type { ValidateFunction } from 'ajv/dist/2020';
  const validate: ValidateFunction;
  export default validate;
}
