import { compareAscii } from './route53-names.js';
import { Route53State, type Route53StateOptions, type ZoneExport } from './route53-state.js';

/**
 * Route 53 in every account the sandbox models: each account has its own hosted zones, and a request
 * acts in the account its credentials belong to (the sandbox's own, or the account of the role an
 * AssumeRole session is for). Public DNS spans them all, as the internet sees every account's zones.
 */
export class Route53Accounts {
  private readonly states = new Map<string, Route53State>();
  /** The sandbox's own account's Route 53. */
  readonly home: Route53State;

  constructor(
    readonly homeAccount: string,
    private readonly options: Omit<Route53StateOptions, 'account'> = {},
  ) {
    this.home = new Route53State(options);
    this.states.set(homeAccount, this.home);
  }

  /** An account's Route 53; an account the sandbox has not seen yet starts with no zones. */
  account(id: string): Route53State {
    let state = this.states.get(id);
    if (!state) {
      state = new Route53State({ ...this.options, account: id });
      this.states.set(id, state);
    }
    return state;
  }

  /**
   * What a public resolver gets for `name`/`type`: the answer of the most specific public zone holding
   * the name, in whichever account it is.
   */
  findPublicRecordValues(name: string, type: string): string[] | undefined {
    let best: { state: Route53State; zone: string } | undefined;
    for (const state of this.states.values()) {
      const zone = state.publicZoneName(name);
      if (zone && (!best || zone.length > best.zone.length)) best = { state, zone };
    }
    return best?.state.findPublicRecordValues(name, type);
  }

  /** Every account's zones in the docs/scenarios.md `zones` order (name, then id); others' carry `account`. */
  exportZones(): ZoneExport[] {
    return [...this.states.values()]
      .flatMap((s) => s.exportZones())
      .sort((a, b) => compareAscii(a.name, b.name) || compareAscii(a.id, b.id));
  }
}
