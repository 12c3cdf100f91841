// Types read off the generated OpenAPI types per route, so each call in mailroom.ts is typed by the route it
// calls: the answer a route documents, its query parameters, its request body.
import type { paths } from './openapi-types';

export type Path = keyof paths;
type Verb = 'get' | 'post' | 'put' | 'delete';
type Operation<P extends Path, V extends Verb> = NonNullable<paths[P][V]>;

/** The JSON a route answers with on success (200). */
export type Answer<P extends Path, V extends Verb> = Operation<P, V> extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

/** The query parameters a route accepts. */
export type Query<P extends Path, V extends Verb> = NonNullable<Operation<P, V>['parameters']['query']>;

/** The JSON body a route reads. */
export type Body<P extends Path, V extends Verb> = Operation<P, V> extends { requestBody: { content: { 'application/json': infer T } } } ? T : never;
