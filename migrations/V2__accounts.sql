-- People who use the application. Passwords are bcrypt hashes (modular crypt format), never plain text.
CREATE TABLE app_user (
    id            bigserial   PRIMARY KEY,
    username      text        NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
    password_hash text        NOT NULL,
    roles         text        NOT NULL CHECK (roles ~ '^(viewer|assessor|admin)(,(viewer|assessor|admin))*$'),
    created_at    timestamptz NOT NULL DEFAULT now()
);
