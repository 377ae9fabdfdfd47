/**
 * Values derived from scenarios that the designs, replications and candidates run in one thread
 * share (e.g. the evacuation study's fixed initial layout, which places tens of thousands of
 * instances). Its owner makes it and passes it down: a Monte Carlo worker makes one for its
 * life and loads every scenario text it is sent with it, a command makes one for the scenarios
 * it loads (a sizing search's candidates among them), and every design's StudyInput carries it.
 * Nothing of this lives in module state.
 */
export class Memo {
  private readonly byValue = new Map<string, Map<string, unknown>>();
  private readonly byObject = new Map<string, WeakMap<object, unknown>>();

  /**
   * The value of `what` for `key`, made by `make` the first time. An object key is compared by
   * identity and does not keep its object alive; a string key by value, and a table of those
   * holds at most `MAX_ENTRIES` values (a search over many candidates that each need their own
   * value starts the table afresh instead of holding them all).
   */
  get<T>(what: string, key: object | string, make: () => T): T {
    if (typeof key === 'string') {
      let table = this.byValue.get(what);
      if (table === undefined) this.byValue.set(what, table = new Map());
      if (table.has(key)) return table.get(key) as T;
      if (table.size >= MAX_ENTRIES) table.clear();
      const value = make();
      table.set(key, value);
      return value;
    }
    let table = this.byObject.get(what);
    if (table === undefined) this.byObject.set(what, table = new WeakMap());
    if (table.has(key)) return table.get(key) as T;
    const value = make();
    table.set(key, value);
    return value;
  }
}

const MAX_ENTRIES = 64;
