// The public API of `secr-run` (src/index.ts) as a contract. The expectTypeOf checks are compile-time
// assertions: `npx tsc -p tsconfig.json --noEmit` (and `npm run typecheck`) fails when a signature
// drifts; at run time they are no-ops, and the value checks below keep the export list honest.
import { describe, expect, expectTypeOf, it } from "vitest";
import * as api from "../../src/index.js";
import {
  isSecrApiError,
  PULL_PAGE_SIZE,
  SecrApiError,
  SecrClient,
  type BulkSetSecretsResult,
  type CreateTemplateOptions,
  type DeleteSecretResult,
  type DeleteTemplateResult,
  type ListKeysResult,
  type ListOptions,
  type PromoteOptions,
  type PromoteResult,
  type PullSecretsResult,
  type RequestOptions,
  type Secret,
  type SecretInput,
  type SecretMeta,
  type SecrClientOptions,
  type SecrErrorCode,
  type SetSecretOptions,
  type SetSecretResult,
  type Template,
  type TemplateValidation,
} from "../../src/index.js";

describe("public API", () => {
  it("exports exactly the documented values", () => {
    expect(Object.keys(api).sort()).toEqual(["PULL_PAGE_SIZE", "SecrApiError", "SecrClient", "isSecrApiError"]);
  });

  it("SecrClient: constructor and options", () => {
    expectTypeOf(SecrClient).constructorParameters.toEqualTypeOf<[SecrClientOptions]>();
    expectTypeOf<SecrClientOptions["token"]>().toEqualTypeOf<string>();
    expectTypeOf<SecrClientOptions["maxResponseBytes"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SecrClient["apiUrl"]>().toEqualTypeOf<string>();
    expectTypeOf<SecrClient["timeout"]>().toEqualTypeOf<number>();
    expectTypeOf<SecrClient>().toExtend<AsyncDisposable>();
    expectTypeOf(PULL_PAGE_SIZE).toEqualTypeOf<number>();
  });

  it("every method returns a promise of its result type", () => {
    type C = SecrClient;
    expectTypeOf<C["pullSecrets"]>().parameters.toEqualTypeOf<[string, string, string, ListOptions?]>();
    expectTypeOf<C["pullSecrets"]>().returns.toEqualTypeOf<Promise<PullSecretsResult>>();
    expectTypeOf<C["pullAllSecrets"]>().parameters.toEqualTypeOf<
      [string, string, string, (RequestOptions & { search?: string })?]
    >();
    expectTypeOf<C["pullAllSecrets"]>().returns.toEqualTypeOf<Promise<Secret[]>>();
    expectTypeOf<C["listKeys"]>().returns.toEqualTypeOf<Promise<ListKeysResult>>();
    expectTypeOf<C["setSecret"]>().parameters.toEqualTypeOf<
      [string, string, string, string, string, SetSecretOptions?]
    >();
    expectTypeOf<C["setSecret"]>().returns.toEqualTypeOf<Promise<SetSecretResult>>();
    expectTypeOf<C["bulkSetSecrets"]>().parameters.toEqualTypeOf<
      [string, string, string, readonly SecretInput[], RequestOptions?]
    >();
    expectTypeOf<C["bulkSetSecrets"]>().returns.toEqualTypeOf<Promise<BulkSetSecretsResult>>();
    expectTypeOf<C["deleteSecret"]>().returns.toEqualTypeOf<Promise<DeleteSecretResult>>();
    expectTypeOf<C["promoteSecrets"]>().parameters.toEqualTypeOf<[string, string, PromoteOptions]>();
    expectTypeOf<C["promoteSecrets"]>().returns.toEqualTypeOf<Promise<PromoteResult>>();
    expectTypeOf<C["listTemplates"]>().returns.toEqualTypeOf<Promise<Template[]>>();
    expectTypeOf<C["createTemplate"]>().parameters.toEqualTypeOf<[string, string, string, CreateTemplateOptions?]>();
    expectTypeOf<C["createTemplate"]>().returns.toEqualTypeOf<Promise<Template>>();
    expectTypeOf<C["deleteTemplate"]>().returns.toEqualTypeOf<Promise<DeleteTemplateResult>>();
    expectTypeOf<C["validateTemplate"]>().returns.toEqualTypeOf<Promise<TemplateValidation>>();
    expectTypeOf<C["close"]>().returns.toEqualTypeOf<Promise<void>>();
  });

  it("result and input shapes", () => {
    expectTypeOf<Secret>().toEqualTypeOf<{
      key: string;
      value: string;
      version: number;
      updatedAt: string;
      description?: string;
    }>();
    expectTypeOf<SecretMeta>().toEqualTypeOf<Omit<Secret, "value">>();
    expectTypeOf<SecretInput>().toEqualTypeOf<{ key: string; value: string }>();
    expectTypeOf<RequestOptions>().toEqualTypeOf<{ signal?: AbortSignal }>();
    expectTypeOf<TemplateValidation>().toEqualTypeOf<{ valid: boolean; missing: string[]; extra: string[] }>();
    expectTypeOf<DeleteSecretResult["deleted"]>().toEqualTypeOf<true>();
  });

  it("errors", () => {
    expectTypeOf(isSecrApiError).guards.toEqualTypeOf<SecrApiError>();
    expectTypeOf<SecrApiError["code"]>().toEqualTypeOf<SecrErrorCode>();
    expectTypeOf<SecrApiError["statusCode"]>().toEqualTypeOf<number>();
    expectTypeOf<SecrApiError["retryAfter"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<"response_too_large">().toExtend<SecrErrorCode>();
    expectTypeOf<SecrApiError>().toExtend<Error>();
  });
});
