-- Links between events: one answers, follows or repeats another (geo/links.py owns the columns).
-- event_id is the answering event, target_id the event it answers; link_id is
-- event_id~relation~target_id. No foreign key: deleting an event keeps its links in the audit
-- trail, and the chain query skips a link whose event is gone.

CREATE TABLE event_links (
  link_id text PRIMARY KEY,
  event_id text NOT NULL,
  target_id text NOT NULL,
  relation text NOT NULL
    CHECK (relation IN ('retaliation_for', 'response_to', 'same_incident', 'follow_up')),
  source text NOT NULL CHECK (source IN ('hand', 'extracted', 'merged')),
  status text NOT NULL CHECK (status IN ('candidate', 'accepted', 'rejected')),
  score double precision,
  evidence text,
  delay_hours double precision,
  version bigint NOT NULL DEFAULT 1,
  created_at timestamptz,
  updated_at timestamptz,
  CHECK (event_id <> target_id)
);
CREATE INDEX event_links_event_idx ON event_links (event_id);
CREATE INDEX event_links_target_idx ON event_links (target_id);

-- Who linked, changed and unlinked what, and when; changes is {column: [old, new]}.
CREATE TABLE link_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  link_id text NOT NULL,
  event_id text,
  target_id text,
  version bigint,
  action text NOT NULL,
  user_name text,
  at timestamptz NOT NULL DEFAULT now(),
  changes jsonb
);
CREATE INDEX link_history_link_idx ON link_history (link_id, id);
CREATE INDEX link_history_event_idx ON link_history (event_id);
CREATE INDEX link_history_target_idx ON link_history (target_id);
