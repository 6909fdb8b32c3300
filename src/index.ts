// Library entry point: `import { SecrClient } from "secr-run"`.
export { SecrClient, PULL_PAGE_SIZE } from "./client/client.js";
export type {
  SecrClientOptions,
  RequestOptions,
  ListOptions,
  SetSecretOptions,
  SecretInput,
  PromoteOptions,
  CreateTemplateOptions,
  ConditionalListOptions,
  CreateTokenInput,
} from "./client/client.js";
export { SecrApiError, isSecrApiError } from "./client/errors.js";
export type { SecrErrorCode, SecrApiErrorOptions } from "./client/errors.js";
export type {
  Secret,
  SecretMeta,
  PaginationInfo,
  PullSecretsResult,
  ListKeysResult,
  SetSecretResult,
  BulkSetSecretsResult,
  DeleteSecretResult,
  DeleteTemplateResult,
  PromoteResult,
  Template,
  TemplateValidation,
  Conditional,
  TokenInfo,
  TokenRole,
  TokenState,
  CreatedToken,
  RevokeTokenResult,
  ProjectInfo,
  EnvironmentInfo,
  DeleteEnvironmentResult,
} from "./client/schemas.js";
