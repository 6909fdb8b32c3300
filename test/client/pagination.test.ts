// pullAllSecrets: following pages from a server that caps page size, and refusing sets that
// change between pages.
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { PULL_PAGE_SIZE } from "../../src/index.js";
import { addPage, MAX_LISTED_ITEMS, MAX_LISTED_PAGES, newPageState } from "../../src/client/paging.js";
import { NOW, rejection, useClientFixture } from "./helpers.js";

const fx = useClientFixture({ maxRetries: 0 });

const makeSecrets = (n: number, prefix = "KEY_") =>
  Array.from({ length: n }, (_, i) => ({
    key: `${prefix}${String(i).padStart(5, "0")}`,
    value: `v${i}`,
    version: 1,
    updatedAt: NOW,
  }));

/** A paging server over `data()`, capping the page size at `cap`, optionally lying via `tamper`. */
function pagingHandler(
  data: () => ReturnType<typeof makeSecrets>,
  cap: number,
  tamper?: (
    page: { secrets: unknown[]; pagination: { limit: number; offset: number; total: number } },
    call: number,
  ) => void,
) {
  let call = 0;
  return http.get("*/v1/secrets/:org/:project/:env", ({ request }) => {
    const params = new URL(request.url).searchParams;
    const all = data();
    const limit = Math.min(Number(params.get("limit") ?? all.length), cap);
    const offset = Number(params.get("offset") ?? 0);
    const page = {
      secrets: all.slice(offset, offset + limit) as unknown[],
      pagination: { limit, offset, total: all.length },
    };
    tamper?.(page, call++);
    return HttpResponse.json(page);
  });
}

describe("pullAllSecrets", () => {
  it("follows pages from a server that caps the page size below what we ask for", async () => {
    const data = makeSecrets(2345);
    fx.server.use(pagingHandler(() => data, 500));
    const secrets = await fx.client.pullAllSecrets("acme", "web", "production");
    expect(secrets).toEqual(data);
    expect(fx.server.requests.map((r) => [r.url.searchParams.get("limit"), r.url.searchParams.get("offset")])).toEqual([
      [String(PULL_PAGE_SIZE), "0"],
      ["1000", "500"],
      ["1000", "1000"],
      ["1000", "1500"],
      ["1000", "2000"],
    ]);
  });

  it("asks for pages of 1000 and stops at total", async () => {
    const data = makeSecrets(2000);
    fx.server.use(pagingHandler(() => data, 10_000));
    expect(await fx.client.pullAllSecrets("acme", "web", "production")).toHaveLength(2000);
    expect(fx.server.requests).toHaveLength(2);
  });

  it("an empty environment is one request and an empty list", async () => {
    fx.server.use(pagingHandler(() => [], 1000));
    expect(await fx.client.pullAllSecrets("acme", "web", "production")).toEqual([]);
    expect(fx.server.requests).toHaveLength(1);
  });

  it("a server without pagination returns the whole set at once", async () => {
    const data = makeSecrets(1500);
    fx.server.use(http.get("*", () => HttpResponse.json({ secrets: data })));
    expect(await fx.client.pullAllSecrets("acme", "web", "production")).toEqual(data);
    expect(fx.server.requests).toHaveLength(1);
  });

  it("passes search through on every page", async () => {
    const data = makeSecrets(3);
    fx.server.use(pagingHandler(() => data, 1));
    await fx.client.pullAllSecrets("acme", "web", "production", { search: "key_" });
    expect(fx.server.requests.map((r) => r.url.searchParams.get("search"))).toEqual(["key_", "key_", "key_"]);
  });

  it("starts over when the set changed under it (a secret added mid-pull) and returns the new whole set", async () => {
    let data = makeSecrets(1200);
    fx.server.use(
      pagingHandler(
        () => data,
        500,
        (_page, call) => {
          if (call === 0) data = [...data, ...makeSecrets(1, "NEW_")];
        },
      ),
    );
    const secrets = await fx.client.pullAllSecrets("acme", "web", "production");
    expect(secrets).toEqual(data);
    expect(secrets).toHaveLength(1201);
    // page 0, then pages 1 and 2 together; page 1 shows the new total: restart (page 2 of the
    // first pass is cancelled, and may or may not have reached the server), then pages 0, 1, 2.
    const offsets = fx.server.requests.map((r) => r.url.searchParams.get("offset"));
    const restart = offsets.lastIndexOf("0");
    expect(offsets.slice(0, 2)).toEqual(["0", "500"]);
    expect([2, 3]).toContain(restart);
    expect(offsets.slice(restart)).toEqual(["0", "500", "1000"]);
  });

  it("asks for the later pages together once the first page tells the total", async () => {
    // The page at offset 500 is answered only once the request for offset 1500 has arrived: a
    // client that waited for each page before asking for the next would get a 503 here.
    const data = makeSecrets(2000);
    const arrived = new Set<string>();
    let waiters: (() => void)[] = [];
    fx.server.use(
      http.get("*/v1/secrets/:org/:project/:env", async ({ request }) => {
        const offset = Number(new URL(request.url).searchParams.get("offset") ?? 0);
        arrived.add(String(offset));
        for (const wake of waiters) wake();
        waiters = [];
        if (offset === 500) {
          const deadline = Date.now() + 5000;
          while (!arrived.has("1500") && Date.now() < deadline)
            await new Promise<void>((resolve) => {
              waiters.push(resolve);
              setTimeout(resolve, 100);
            });
          if (!arrived.has("1500"))
            return HttpResponse.json(
              { error: "unavailable", message: "pages were not requested together" },
              { status: 503 },
            );
        }
        return HttpResponse.json({
          secrets: data.slice(offset, offset + 500),
          pagination: { limit: 500, offset, total: data.length },
        });
      }),
    );
    expect(await fx.client.pullAllSecrets("acme", "web", "production")).toEqual(data);
    expect(fx.server.requests).toHaveLength(4);
  });

  describe("fails with inconsistent_data after 3 tries rather than return a partial or duplicated set", () => {
    async function expectInconsistent(pattern: RegExp) {
      const error = await rejection(fx.client.pullAllSecrets("acme", "web", "production"));
      expect(error.code).toBe("inconsistent_data");
      expect(error.statusCode).toBe(200);
      expect(error.message).toMatch(pattern);
      expect(error.message).toContain("acme/web/production");
      expect(error.message).toContain("3 tries");
      expect(fx.server.requests.filter((r) => r.url.searchParams.get("offset") === "0")).toHaveLength(3);
      return error;
    }

    it("total keeps changing between pages (secrets added all the time)", async () => {
      let data = makeSecrets(1200);
      let added = 0;
      fx.server.use(
        pagingHandler(
          () => data,
          500,
          () => {
            data = [...data, ...makeSecrets(1, `NEW${added++}_`)];
          },
        ),
      );
      await expectInconsistent(/total went from \d+ to \d+/);
    });

    it("a key repeats across pages (a secret deleted mid-pull shifts the offsets)", async () => {
      const data = makeSecrets(10);
      fx.server.use(
        pagingHandler(
          () => data,
          4,
          (page) => {
            if (page.pagination.offset === 4) page.secrets[0] = data[3]; // last key of page 1 again
          },
        ),
      );
      await expectInconsistent(/key "KEY_00003" came twice/);
    });

    it("a key repeats within one page", async () => {
      fx.server.use(http.get("*", () => HttpResponse.json({ secrets: [...makeSecrets(2), ...makeSecrets(1)] })));
      await expectInconsistent(/came twice/);
    });

    it("a page comes back short before total", async () => {
      const data = makeSecrets(10);
      fx.server.use(
        pagingHandler(
          () => data,
          4,
          (page) => {
            if (page.pagination.offset === 4) page.secrets.pop();
          },
        ),
      );
      await expectInconsistent(/page at offset 4 has 3 of 4 expected/);
    });

    it("an empty page before total (no endless loop)", async () => {
      fx.server.use(
        http.get("*", ({ request }) => {
          const offset = Number(new URL(request.url).searchParams.get("offset"));
          return HttpResponse.json({
            secrets: offset === 0 ? makeSecrets(2) : [],
            pagination: { limit: 2, offset, total: 5 },
          });
        }),
      );
      await expectInconsistent(/has 0 of 2 expected/);
      // Per try: page 0, then pages 2 and 4 together (4 is cancelled once 2 comes back empty).
      expect(fx.server.requests.length).toBeGreaterThanOrEqual(6);
      expect(fx.server.requests.length).toBeLessThanOrEqual(9);
    });

    it("more secrets than total", async () => {
      fx.server.use(
        http.get("*", () =>
          HttpResponse.json({ secrets: makeSecrets(3), pagination: { limit: 1000, offset: 0, total: 2 } }),
        ),
      );
      await expectInconsistent(/more than the total 2/);
    });

    it("the server ignores offset", async () => {
      fx.server.use(
        http.get("*", () =>
          HttpResponse.json({ secrets: makeSecrets(2), pagination: { limit: 2, offset: 0, total: 4 } }),
        ),
      );
      await expectInconsistent(/came twice|asked for offset 2, got 0/);
    });

    it("pagination vanishes after the first page", async () => {
      fx.server.use(
        http.get("*", ({ request }) => {
          const offset = Number(new URL(request.url).searchParams.get("offset"));
          return offset === 0
            ? HttpResponse.json({ secrets: makeSecrets(2), pagination: { limit: 2, offset: 0, total: 4 } })
            : HttpResponse.json({ secrets: makeSecrets(2, "OTHER_") });
        }),
      );
      await expectInconsistent(/pagination vanished/);
    });
  });

  it("an HTTP error on a later page is thrown as is (nothing partial returned)", async () => {
    const data = makeSecrets(5);
    let call = 0;
    fx.server.use(
      http.get("*", ({ request }) => {
        if (call++ === 1) return HttpResponse.json({ error: "forbidden", message: "revoked" }, { status: 403 });
        const offset = Number(new URL(request.url).searchParams.get("offset"));
        return HttpResponse.json({
          secrets: data.slice(offset, offset + 2),
          pagination: { limit: 2, offset, total: 5 },
        });
      }),
    );
    const error = await rejection(fx.client.pullAllSecrets("acme", "web", "production"));
    expect([error.statusCode, error.code]).toEqual([403, "forbidden"]);
  });
});

describe('pullAllSecrets against a server announcing endless pages (docs/design/security.md, "Response size")', () => {
  it("a total of 1e12 fails at once with response_too_large: one request, no restart, nothing planned per page", async () => {
    fx.server.use(
      http.get("*/v1/secrets/:org/:project/:env", ({ request }) => {
        const offset = Number(new URL(request.url).searchParams.get("offset") ?? 0);
        return HttpResponse.json({
          secrets: makeSecrets(1000, `P${offset}_`),
          pagination: { limit: 1000, offset, total: 1e12 },
        });
      }),
    );
    const error = await rejection(fx.client.pullAllSecrets("acme", "web", "production"));
    expect([error.statusCode, error.code]).toEqual([0, "response_too_large"]);
    expect(error.message).toMatch(/announces 1000000000000 items; secr-run reads at most 100000/);
    expect(fx.server.requests).toHaveLength(1);
  });

  it("a server paging one secret at a time is followed for at most MAX_LISTED_PAGES pages", async () => {
    fx.server.use(
      http.get("*/v1/secrets/:org/:project/:env", ({ request }) => {
        const offset = Number(new URL(request.url).searchParams.get("offset") ?? 0);
        return HttpResponse.json({
          secrets: makeSecrets(1, `P${offset}_`),
          pagination: { limit: 1, offset, total: MAX_LISTED_ITEMS },
        });
      }),
    );
    const error = await rejection(fx.client.pullAllSecrets("acme", "web", "production"));
    expect(error.code).toBe("response_too_large");
    // Pipelined pages already in flight when the cap is reached are cancelled.
    expect(fx.server.requests.length).toBeGreaterThanOrEqual(MAX_LISTED_PAGES);
    expect(fx.server.requests.length).toBeLessThan(MAX_LISTED_PAGES + 20);
  });
});

describe("addPage (pure)", () => {
  const s = (key: string) => ({ key, value: "v", version: 1, updatedAt: NOW });
  it("walks pages to done", () => {
    const state = newPageState();
    expect(addPage(state, 0, { secrets: [s("A"), s("B")], pagination: { limit: 2, offset: 0, total: 3 } })).toEqual({
      next: "more",
      offset: 2,
    });
    expect(addPage(state, 2, { secrets: [s("C")], pagination: { limit: 2, offset: 2, total: 3 } })).toEqual({
      next: "done",
    });
    expect(state.secrets.map((x) => x.key)).toEqual(["A", "B", "C"]);
  });
  it("a capped page size is followed when the server reports it", () => {
    expect(addPage(newPageState(), 0, { secrets: [s("A")], pagination: { limit: 1, offset: 0, total: 2 } })).toEqual({
      next: "more",
      offset: 1,
    });
  });
  it("a capped page the server does not report is a short page", () => {
    expect(
      addPage(newPageState(), 0, { secrets: [s("A")], pagination: { limit: 1000, offset: 0, total: 2 } }),
    ).toMatchObject({ next: "inconsistent" });
  });
  it("caps: items announced, pages taken, characters held", () => {
    expect(
      addPage(newPageState(), 0, {
        secrets: [s("A")],
        pagination: { limit: 1, offset: 0, total: MAX_LISTED_ITEMS + 1 },
      }),
    ).toMatchObject({ next: "too-large" });
    expect(
      addPage(newPageState(), 0, { secrets: [s("A")], pagination: { limit: 1, offset: 0, total: MAX_LISTED_ITEMS } }),
    ).toEqual({ next: "more", offset: 1 });
    const state = newPageState();
    let verdict = addPage(state, 0, { secrets: [s("K0")], pagination: { limit: 1, offset: 0, total: 5000 } });
    for (let page = 1; verdict.next === "more"; page++)
      verdict = addPage(state, page, { secrets: [s(`K${page}`)], pagination: { limit: 1, offset: page, total: 5000 } });
    expect(verdict).toMatchObject({ next: "too-large" });
    expect(state.pages).toBe(MAX_LISTED_PAGES);
    expect(addPage(newPageState(10), 0, { secrets: [s("ABCDEFGHIJ")] })).toMatchObject({ next: "too-large" });
    expect(addPage(newPageState(11), 0, { secrets: [s("ABCDEFGHIJ")] })).toEqual({ next: "done" });
  });
  it("limit 0 cannot loop forever", () => {
    expect(addPage(newPageState(), 0, { secrets: [], pagination: { limit: 0, offset: 0, total: 2 } })).toMatchObject({
      next: "inconsistent",
    });
  });
});
