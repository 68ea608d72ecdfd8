// Whose work is an issue: one instance's (the sysadmin pipe), ofn-install's own, or the OFN app's?
// Pure. Precision first: where the signals disagree the answer is not sure, and the app asks a
// person (needs-triage) instead of stating a guess in a comment.
import type { Policy } from "../registry/policy.js";
import type { Scores } from "./classify.js";
import type { Category, Kind } from "../registry/vocabulary.js";

export interface KindEvidence {
  repo: string;
  /** Instances from a person, the form or the instance's own repository. */
  firm: boolean;
  /** Instance names in the title, and in the body only. */
  titleNames: string[];
  bodyNames: string[];
  /** Category scores of the whole issue and of the title alone. */
  scores: Scores;
  titleScores: Scores;
  category: Category | null;
  /** How strongly the text speaks of the OFN app's features (checkout, invoices…). */
  product: number;
  /** The text says production is down (a policy `s0_signals` phrase). */
  outage: boolean;
  /** The title reports trouble: something down, broken or degraded. */
  troubleInTitle: boolean;
  /** The issue asks someone for work ("could you…", "pourriez-vous…", a question). */
  asks: boolean;
}

export interface KindDecision {
  kind: Kind;
  /** False when the evidence is weak or disagrees: a person should decide. */
  sure: boolean;
  /** In plain words, for the comment and the eval's misses. */
  why: string;
}

const listed = (names: string[]) => names.join(", ");

/** The strongest signal of ofn-install's own work (roles, playbooks, "all servers"...). */
function toolingOf(scores: Scores, policy: Policy): number {
  return Math.max(0, ...policy.not_pipe.map((c) => scores[c]));
}

/** The strongest signal of sysadmin work on a server (any pipe category but `other`). */
function sysadminOf(scores: Scores, policy: Policy): number {
  const pipe = Object.keys(scores).filter(
    (c) => !policy.not_pipe.includes(c as Category) && c !== "other",
  ) as Category[];
  return Math.max(0, ...pipe.map((c) => scores[c]));
}

/** What every rule needs: where the issue was filed and how strongly it speaks of what. */
interface Reading {
  e: KindEvidence;
  policy: Policy;
  /** The repository's own kind of work: ofn-install's in the installer, else the app's. */
  own: Kind;
  ownWork: string;
  tooling: number;
  sysadmin: number;
}

export function decideKind(e: KindEvidence, policy: Policy): KindDecision {
  if (e.firm) return { kind: "instance", sure: true, why: "the request names its instance" };
  const inInstall = e.repo.toLowerCase() === policy.watch.install_repo.toLowerCase();
  const r: Reading = {
    e,
    policy,
    own: inInstall ? "install" : "other",
    ownWork: inInstall
      ? "it is about ofn-install itself"
      : "it reads as a bug of the OFN app, not of a server",
    tooling: toolingOf(e.scores, policy),
    sysadmin: sysadminOf(e.scores, policy),
  };
  if (e.titleNames.length) return namedInTitle(r, listed(e.titleNames));
  if (e.bodyNames.length) return namedInBody(r, listed(e.bodyNames));
  return namedNowhere(r);
}

function namedInTitle({ e, policy, own, ownWork, sysadmin }: Reading, names: string): KindDecision {
  // "Refactor the nginx role for Katuma": the instance is an example, the role is the work.
  if (toolingOf(e.titleScores, policy) > sysadminOf(e.titleScores, policy)) {
    return { kind: own, sure: true, why: `it names ${names} while changing ofn-install itself` };
  }
  if (own === "other" && e.product > sysadmin) {
    return { kind: "other", sure: true, why: `${ownWork}, although it names ${names}` };
  }
  return { kind: "instance", sure: true, why: `the title names ${names}` };
}

function namedInBody(r: Reading, names: string): KindDecision {
  const { e, own, ownWork, tooling, sysadmin } = r;
  // Local websites and forums are never ofn-install's: they can only be an instance's own.
  if (e.category === "website") {
    return { kind: "instance", sure: true, why: `it is about ${names}'s own local service` };
  }
  if (tooling > 0) {
    return { kind: own, sure: true, why: `${ownWork}; ${names} is named only in passing` };
  }
  // "Could you renew Katuma's certificate?": a person asking for work on the server the body
  // names, with nothing about ofn-install, is that instance's request, in any language.
  if (e.asks && e.category && e.product < sysadmin) {
    return { kind: "instance", sure: true, why: `it asks for work on ${names}` };
  }
  // "Mail problem" with "Emails from coopcircuits.fr bounce", "E-mails komen niet aan" with
  // "openfoodnetwork.be": a breakage and a server's name, with nothing about ofn-install, is that
  // server's problem.
  if (e.troubleInTitle && e.category && e.product < sysadmin) {
    return { kind: "instance", sure: true, why: `it reports a problem on ${names}` };
  }
  if (own === "other" && (e.product >= sysadmin || !e.category)) {
    return { kind: "other", sure: true, why: `${ownWork}; it mentions ${names}` };
  }
  const alternative = own === "install" ? "ofn-install itself" : "the OFN app";
  return {
    kind: own === "install" ? "install" : "instance",
    sure: false,
    why: `${names} is named only in the body: it may be that instance's server or ${alternative}`,
  };
}

/**
 * No instance named. A breakage of a server (not of ofn-install) in the installer's repository
 * is worth asking about: which instance? Anything that reports nothing broken is its own work.
 */
function namedNowhere({ e, own, ownWork, tooling }: Reading): KindDecision {
  const symptom = e.category === "outage" ? e.outage : e.troubleInTitle && e.category !== null;
  if (own === "install" && symptom && tooling === 0) {
    return { kind: "instance", sure: true, why: "it reports a problem on a server" };
  }
  return { kind: own, sure: true, why: `${ownWork}, and names no instance` };
}
