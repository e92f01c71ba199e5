// Generated from the backend's OpenAPI document by `npm run api-types`. Do not edit.

export interface paths {
    "/api/{user_id}/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my tasks, newest first
         * @description All of the user's tasks, newest first, with an `ETag` for the whole list: send it back as `If-None-Match`
         *     to get a 304 with no body while nothing in the list has changed.
         */
        get: operations["listTasks"];
        put?: never;
        /**
         * Create a task
         * @description Creates a task (`completed` is false unless sent) and answers 201 with it, its `Location` and `ETag`.
         *     With an `Idempotency-Key`, a repeat of the same request gets this same answer back and creates nothing.
         */
        post: operations["createTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{user_id}/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one task
         * @description The task with its `ETag`; 304 with no body when `If-None-Match` names its current version. Another
         *     user's task is a 404, exactly like a missing one.
         */
        get: operations["getTask"];
        /**
         * Update some fields of a task
         * @description Changes the fields sent (at least one; see the body's schema) and keeps the others; a nullable field sent as
         *     `null` is cleared. Setting the values a task already has changes nothing (same ETag). With `If-Match`, only if
         *     the task is still at that version (else 412).
         */
        put: operations["updateTask"];
        post?: never;
        /**
         * Delete a task (returns it)
         * @description Deletes the task and answers with it as it was. With `If-Match`, only if nobody changed it since (else 412).
         *     A second delete is a 404.
         */
        delete: operations["deleteTask"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{user_id}/tasks/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Toggle completion, or set it with a body
         * @description No body (or `{}`) toggles `completed` atomically: two concurrent toggles give back the original value.
         *     `{"completed": true|false}` sets it (safe to repeat). A toggle is made safe to repeat by an `Idempotency-Key`;
         *     `If-Match` makes either conditional (else 412).
         */
        patch: operations["completeTask"];
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process answers (no database call)
         * @description 200 while the process can answer HTTP at all. It never touches the database, so an orchestrator does not
         *     restart a healthy process during a database outage (that is what `ready` reports).
         */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the database answers
         * @description 200 when a query reaches the database within `DB_TIMEOUT_SECONDS`; otherwise 503 with `Retry-After`, so a
         *     load balancer stops sending traffic here until the database is back.
         */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * CompletionUpdate
         * @description Optional PATCH /complete body: {"completed": bool} sets; no body or {} toggles.
         */
        CompletionUpdate: {
            /**
             * Completed
             * @description The value to set.
             */
            completed?: boolean;
        };
        /**
         * FieldError
         * @description One invalid field of a 400.
         */
        FieldError: {
            /**
             * Code
             * @description What is wrong with it, as a stable name (docs/api.md).
             * @enum {string}
             */
            code: "required" | "empty" | "too_long" | "wrong_type" | "not_null" | "invalid_characters" | "not_an_object" | "invalid_json" | "no_fields" | "invalid";
            /**
             * Field
             * @description The field's name (`body` for the body as a whole, e.g. malformed JSON).
             */
            field: string;
            /**
             * Message
             * @description What is wrong with it, for a developer.
             */
            message: string;
        };
        /** Liveness */
        Liveness: {
            /**
             * Status
             * @constant
             */
            status: "ok";
        };
        /**
         * Problem
         * @description RFC 9457 problem details: the body of every error response.
         */
        Problem: {
            /**
             * Code
             * @description What went wrong, as a stable name to branch on (docs/api.md lists them all); for invalid input `<field>_<reason>` of the first invalid field, e.g. `title_too_long`.
             * @enum {string}
             */
            code: "invalid_input" | "invalid_header" | "token_missing" | "token_invalid" | "token_expired" | "wrong_user" | "task_not_found" | "not_found" | "method_not_allowed" | "body_timeout" | "request_in_progress" | "stale_version" | "body_too_large" | "headers_too_large" | "unsupported_media_type" | "idempotency_key_reused" | "rate_limited" | "internal_error" | "database_unavailable" | "keys_unavailable" | "shutting_down" | "body_required" | "body_empty" | "body_too_long" | "body_wrong_type" | "body_not_null" | "body_invalid_characters" | "body_not_an_object" | "body_invalid_json" | "body_no_fields" | "body_invalid" | "completed_required" | "completed_empty" | "completed_too_long" | "completed_wrong_type" | "completed_not_null" | "completed_invalid_characters" | "completed_not_an_object" | "completed_invalid_json" | "completed_no_fields" | "completed_invalid" | "description_required" | "description_empty" | "description_too_long" | "description_wrong_type" | "description_not_null" | "description_invalid_characters" | "description_not_an_object" | "description_invalid_json" | "description_no_fields" | "description_invalid" | "title_required" | "title_empty" | "title_too_long" | "title_wrong_type" | "title_not_null" | "title_invalid_characters" | "title_not_an_object" | "title_invalid_json" | "title_no_fields" | "title_invalid";
            /**
             * Detail
             * @description What went wrong with this request, in words.
             */
            detail: string;
            /**
             * Errors
             * @description Only on a 400 for invalid input: one entry per invalid field.
             */
            errors?: components["schemas"]["FieldError"][];
            /**
             * Instance
             * @description The path of the request that failed.
             */
            instance: string;
            /**
             * Request Id
             * @description Only on a 500: quote it when reporting the failure (also sent as `X-Request-ID`).
             */
            request_id?: string;
            /**
             * Status
             * @description The HTTP status code, repeated.
             */
            status: number;
            /**
             * Title
             * @description The HTTP status phrase, e.g. `Not Found`.
             */
            title: string;
            /**
             * Type
             * @description A URI for the kind of problem; `about:blank` means: see `title` and `status`.
             */
            type: string;
        };
        /** Readiness */
        Readiness: {
            /**
             * Status
             * @constant
             */
            status: "ready";
        };
        /**
         * TaskCreate
         * @description POST body. Unknown and read-only fields (id, user_id, timestamps) are ignored, never applied.
         */
        TaskCreate: {
            /**
             * Completed
             * @description False when not sent.
             */
            completed?: boolean;
            /**
             * Description
             * @description Up to 1000 characters; null when not sent.
             */
            description?: string | null;
            /**
             * Title
             * @description 1-200 characters once surrounding whitespace is trimmed (stored trimmed); no NUL.
             */
            title: string;
        };
        /**
         * TaskList
         * @description The user's tasks, newest first.
         */
        TaskList: components["schemas"]["TaskRead"][];
        /**
         * TaskRead
         * @description A task as the API answers with it.
         */
        TaskRead: {
            /** Completed */
            completed: boolean;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string | null;
            /**
             * Etag
             * @description This version of the task, exactly the `ETag` header a GET of it gives: send it as `If-Match` to change the task only if it is still what you showed.
             * @example "17.1"
             */
            etag: string;
            /** Id */
            id: number;
            /** Title */
            title: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** User Id */
            user_id: string;
        };
        /**
         * TaskUpdate
         * @description PUT body: any non-empty subset of the editable fields; fields not sent stay as they are. At least one of completed, description, title must be sent.
         */
        TaskUpdate: {
            /** Completed */
            completed?: boolean;
            /**
             * Description
             * @description Up to 1000 characters; null clears it.
             */
            description?: string | null;
            /**
             * Title
             * @description 1-200 characters once surrounding whitespace is trimmed (stored trimmed); no NUL.
             */
            title?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listTasks: {
        parameters: {
            query?: never;
            header?: {
                /** @description Answer 304 (no body) when the current ETag is one of these (weak comparison), or `*`. */
                "If-None-Match"?: string;
            };
            path: {
                /**
                 * @description The user whose tasks these are: the token's own user id (else 403).
                 * @example alice
                 */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user's tasks, newest first (an empty list when there are none) */
            200: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskList"];
                };
            };
            /** @description Not Modified: If-None-Match matched the current version (no body) */
            304: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed JSON, or invalid fields (see `errors`), or a malformed header */
            400: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, badly signed or expired token */
            401: {
                headers: {
                    /**
                     * @description The Bearer challenge (RFC 6750): `Bearer`, with `error="invalid_token"` when a token was sent.
                     * @example Bearer error="invalid_token", error_description="The token has expired."
                     */
                    "WWW-Authenticate": string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path's user id is not the token's */
            403: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such task for this user (or an id that cannot exist) */
            404: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After` */
            429: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to repeat: a repeat with the same key and the same request within 24 h gets the first response again (`Idempotent-Replayed: true`) and nothing runs twice. 1-255 printable ASCII characters; a new random one (e.g. a UUID) per intended change. */
                "Idempotency-Key"?: string;
            };
            path: {
                /**
                 * @description The user whose tasks these are: the token's own user id (else 403).
                 * @example alice
                 */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TaskCreate"];
            };
        };
        responses: {
            /** @description The created task */
            201: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.
                     * @example true
                     */
                    "Idempotent-Replayed"?: "true";
                    /**
                     * @description The new task's URL (a path on this server).
                     * @example /api/alice/tasks/17
                     */
                    Location: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskRead"];
                };
            };
            /** @description Malformed JSON, or invalid fields (see `errors`), or a malformed header */
            400: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, badly signed or expired token */
            401: {
                headers: {
                    /**
                     * @description The Bearer challenge (RFC 6750): `Bearer`, with `error="invalid_token"` when a token was sent.
                     * @example Bearer error="invalid_token", error_description="The token has expired."
                     */
                    "WWW-Authenticate": string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path's user id is not the token's */
            403: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such task for this user (or an id that cannot exist) */
            404: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with this Idempotency-Key is still running; retry after `Retry-After` seconds */
            409: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body sent without `Content-Type: application/json` */
            415: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After` */
            429: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description Answer 304 (no body) when the current ETag is one of these (weak comparison), or `*`. */
                "If-None-Match"?: string;
            };
            path: {
                /**
                 * @description The user whose tasks these are: the token's own user id (else 403).
                 * @example alice
                 */
                user_id: string;
                /**
                 * @description The task's id. Anything that is not one (`abc`, `0`, `01`, past 2^63-1) is a 404, like a task that does not exist: never a 400.
                 * @example 17
                 */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task */
            200: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskRead"];
                };
            };
            /** @description Not Modified: If-None-Match matched the current version (no body) */
            304: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed JSON, or invalid fields (see `errors`), or a malformed header */
            400: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, badly signed or expired token */
            401: {
                headers: {
                    /**
                     * @description The Bearer challenge (RFC 6750): `Bearer`, with `error="invalid_token"` when a token was sent.
                     * @example Bearer error="invalid_token", error_description="The token has expired."
                     */
                    "WWW-Authenticate": string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path's user id is not the token's */
            403: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such task for this user (or an id that cannot exist) */
            404: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After` */
            429: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description Change only if the task's current ETag is one of these (or `*`: if it exists); otherwise 412 with the current ETag, and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The user whose tasks these are: the token's own user id (else 403).
                 * @example alice
                 */
                user_id: string;
                /**
                 * @description The task's id. Anything that is not one (`abc`, `0`, `01`, past 2^63-1) is a 404, like a task that does not exist: never a 400.
                 * @example 17
                 */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TaskUpdate"];
            };
        };
        responses: {
            /** @description The task after the change */
            200: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskRead"];
                };
            };
            /** @description Malformed JSON, or invalid fields (see `errors`), or a malformed header */
            400: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, badly signed or expired token */
            401: {
                headers: {
                    /**
                     * @description The Bearer challenge (RFC 6750): `Bearer`, with `error="invalid_token"` when a token was sent.
                     * @example Bearer error="invalid_token", error_description="The token has expired."
                     */
                    "WWW-Authenticate": string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path's user id is not the token's */
            403: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such task for this user (or an id that cannot exist) */
            404: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match named no current version of the task: nothing was changed */
            412: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body sent without `Content-Type: application/json` */
            415: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After` */
            429: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description Change only if the task's current ETag is one of these (or `*`: if it exists); otherwise 412 with the current ETag, and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The user whose tasks these are: the token's own user id (else 403).
                 * @example alice
                 */
                user_id: string;
                /**
                 * @description The task's id. Anything that is not one (`abc`, `0`, `01`, past 2^63-1) is a 404, like a task that does not exist: never a 400.
                 * @example 17
                 */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task as it was, now deleted */
            200: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskRead"];
                };
            };
            /** @description Malformed JSON, or invalid fields (see `errors`), or a malformed header */
            400: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, badly signed or expired token */
            401: {
                headers: {
                    /**
                     * @description The Bearer challenge (RFC 6750): `Bearer`, with `error="invalid_token"` when a token was sent.
                     * @example Bearer error="invalid_token", error_description="The token has expired."
                     */
                    "WWW-Authenticate": string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path's user id is not the token's */
            403: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such task for this user (or an id that cannot exist) */
            404: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match named no current version of the task: nothing was changed */
            412: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After` */
            429: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    completeTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to repeat: a repeat with the same key and the same request within 24 h gets the first response again (`Idempotent-Replayed: true`) and nothing runs twice. 1-255 printable ASCII characters; a new random one (e.g. a UUID) per intended change. */
                "Idempotency-Key"?: string;
                /** @description Change only if the task's current ETag is one of these (or `*`: if it exists); otherwise 412 with the current ETag, and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                /**
                 * @description The user whose tasks these are: the token's own user id (else 403).
                 * @example alice
                 */
                user_id: string;
                /**
                 * @description The task's id. Anything that is not one (`abc`, `0`, `01`, past 2^63-1) is a 404, like a task that does not exist: never a 400.
                 * @example 17
                 */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CompletionUpdate"];
            };
        };
        responses: {
            /** @description The task after the change */
            200: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.
                     * @example true
                     */
                    "Idempotent-Replayed"?: "true";
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskRead"];
                };
            };
            /** @description Malformed JSON, or invalid fields (see `errors`), or a malformed header */
            400: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, badly signed or expired token */
            401: {
                headers: {
                    /**
                     * @description The Bearer challenge (RFC 6750): `Bearer`, with `error="invalid_token"` when a token was sent.
                     * @example Bearer error="invalid_token", error_description="The token has expired."
                     */
                    "WWW-Authenticate": string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path's user id is not the token's */
            403: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such task for this user (or an id that cannot exist) */
            404: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with this Idempotency-Key is still running; retry after `Retry-After` seconds */
            409: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match named no current version of the task: nothing was changed */
            412: {
                headers: {
                    /**
                     * @description The current version of the task (of the whole list, on the list). Send it back as `If-None-Match` (GET) or `If-Match` (PUT, PATCH, DELETE).
                     * @example "17.1"
                     */
                    ETag: string;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body sent without `Content-Type: application/json` */
            415: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests for this user (when RATE_LIMIT_PER_MINUTE is set); see `Retry-After` */
            429: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process answers */
            200: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database answers */
            200: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request line and headers are larger than `MAX_HEADER_BYTES` (32 KiB by default) */
            431: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure (carries a request id) */
            500: {
                headers: {
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /**
                     * @description Seconds to wait before trying again.
                     * @example 2
                     */
                    "Retry-After": number;
                    /**
                     * @description This request's id, as in the server's logs: the `X-Request-ID` the client sent when it is 1-128 characters of letters, digits and `._:-`; otherwise a new one.
                     * @example 3f2b7c9e8a1d4f60
                     */
                    "X-Request-ID": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
