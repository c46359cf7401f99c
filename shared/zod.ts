import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod for the code the Lambda bundles: the tree-shakable `zod/mini` API (the classic one bundles all of
 * zod, about 97 KiB; docs/decisions/dependencies.md). Unlike the classic API, `zod/mini` loads no locale
 * and would say only "Invalid input"; our messages — in golden files, docs and every rejection a user
 * reads — are zod's English ones, so it is loaded here, where every schema in shared/ and functions/
 * gets its `z`.
 */
config(en());

export * from 'zod/mini';
