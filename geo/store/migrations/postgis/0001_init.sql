-- The events table, its audit log and the revision counter.
-- Column names and kinds follow geo/schema.py (str text, int bigint, float double precision,
-- date date, timestamp timestamptz); a later schema column arrives in a later migration.

CREATE TABLE events (
  -- Insertion order, so that load() returns events in a stable order.
  fid bigint GENERATED ALWAYS AS IDENTITY,
  event_id text PRIMARY KEY,
  status text NOT NULL,
  origin text,
  version bigint NOT NULL DEFAULT 1,
  created_at timestamptz,
  updated_at timestamptz,
  event_date date NOT NULL,
  event_date_end date,
  time_precision bigint,
  disorder_type text,
  event_type text,
  sub_event_type text,
  fatalities bigint,
  fatalities_low bigint,
  fatalities_high bigint,
  civilian_targeting text,
  tags text,
  actor1 text,
  assoc_actor_1 text,
  inter1 text,
  actor2 text,
  assoc_actor_2 text,
  inter2 text,
  country text,
  iso bigint,
  admin1 text,
  admin2 text,
  admin3 text,
  location text,
  latitude double precision,
  longitude double precision,
  geo_precision bigint,
  place_id text,
  coord_source text,
  origin_location text,
  origin_latitude double precision,
  origin_longitude double precision,
  source text,
  source_url text,
  source_scale text,
  notes text,
  evidence text,
  confidence double precision,
  -- Derived from the coordinates by the database itself, so the two can never disagree; drafts
  -- without coordinates have no geometry. QGIS reads this column as the layer's points.
  geom geometry(Point, 4326)
    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED
);

CREATE INDEX events_geom_idx ON events USING gist (geom);
CREATE INDEX events_event_date_idx ON events (event_date);
-- The days an event covers, for "overlaps the chosen range" with spans (UCDP date_end):
-- GREATEST ignores a missing end, so a one-day event is the range [day, day].
CREATE INDEX events_days_idx ON events
  USING gist (daterange(event_date, GREATEST(event_date, event_date_end), '[]'));

-- Who changed what and when, per event: one row per add, replace, update, delete and refused
-- (conflicting) update. ``changes`` is {column: [old, new]}.
CREATE TABLE event_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id text NOT NULL,
  version bigint,
  action text NOT NULL,
  user_name text,
  at timestamptz NOT NULL DEFAULT now(),
  changes jsonb
);
CREATE INDEX event_history_event_idx ON event_history (event_id, id);

-- One row counting committed writes: a cache key that moves only when something was stored
-- (a sequence would also move for writes that were rolled back).
CREATE TABLE store_revision (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  value bigint NOT NULL
);
INSERT INTO store_revision (value) VALUES (0);
