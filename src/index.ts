export { createAuth, type Auth } from './auth.js';
export type {
  AuthOptions,
  AuthHooks,
  Logger,
  UserpassMail,
  ConfirmationFunction,
  ResetFunction,
  HostFunctionResult,
  HostFunctionStatus,
  CustomFunctionAuthenticate,
  CustomFunctionContext,
  CustomFunctionResult,
  CookieSettings,
} from './options.js';
export { AuthError, ERROR_STATUS, type ErrorCode, DuplicateKeyError, StoreUnavailableError } from './errors.js';
export type { Store, UserPatch, UserLogin, IdentityPatch, UserpassPatch, ApiKeyPatch, UserQuery, UserpassQuery } from './store/store.js';
export { MemoryStore } from './store/memory/memory-store.js';
export { MongoStore, type MongoStoreOptions } from './store/mongo/mongo-store.js';
export type { RequireUserOptions } from './http/require-user.js';
export type { ServerApiKey, ServerApiKeys } from './providers/capabilities.js';
export type { AppServicesOptions } from './app-services/options.js';
export { importAppServicesUsers, type ImportOptions, type ImportSummary, type ImportProblem } from './import/import-users.js';
export { ExportFormatError } from './import/json-records.js';
export type { AuthUser } from './model/auth-user.js';
export type { TokenResponse, CookieTokenResponse } from './http/token-delivery.js';
export type { UserManagement, ManagedUser } from './users/user-management.js';
export type { UserListQuery } from './users/list-users.js';
export type { PendingUser } from './users/pending-users.js';
export type {
  UserRecord,
  IdentityRecord,
  SessionRecord,
  UserpassRecord,
  ApiKeyRecord,
  OneTimeTokenRecord,
  ProviderType,
  UserType,
  Metadata,
} from './model/types.js';
export { PROVIDER_TYPES } from './model/types.js';
