import type { Authorization, OwnerType } from '#domain/authorization/permissions.ts';

/** Camunda's authorizations table: grants of permissions to users, clients, groups and roles. */
export interface AuthorizationStore {
  putAuthorization(authorization: Authorization): Promise<void>;
  getAuthorization(authorizationKey: string): Promise<Authorization | undefined>;
  /** Deletes it; false when there was none. */
  deleteAuthorization(authorizationKey: string): Promise<boolean>;
  /** The authorizations of the owners (one query per owner). */
  authorizationsOf(owners: readonly { ownerType: OwnerType; ownerId: string }[]): Promise<Authorization[]>;
  /** Every authorization (they are few: an administrator's configuration), for search. */
  listAuthorizations(): AsyncIterable<Authorization>;
}
