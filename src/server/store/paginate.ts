// Offset pagination per the contract: without `limit` the whole list and no `pagination`
// field; with it, one page capped at MAX_PAGE_SIZE and `{ limit, offset, total }`.
import { MAX_PAGE_SIZE } from "./rules.js";

export interface PageRequest {
  limit?: number;
  offset?: number;
  search?: string;
}

export interface Pagination {
  limit: number;
  offset: number;
  total: number;
}

export function filterByKey<T extends { key: string }>(items: T[], search: string | undefined): T[] {
  if (!search) return items;
  const needle = search.toLowerCase();
  return items.filter((item) => item.key.toLowerCase().includes(needle));
}

export function paginate<T>(items: T[], page: PageRequest): { items: T[]; pagination?: Pagination } {
  if (page.limit === undefined) return { items };
  const limit = Math.min(page.limit, MAX_PAGE_SIZE);
  const offset = page.offset ?? 0;
  return { items: items.slice(offset, offset + limit), pagination: { limit, offset, total: items.length } };
}
