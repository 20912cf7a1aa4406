-- Runs once, on the first start of an empty data volume: the n8n database beside IONFLUX's, and pgvector in
-- IONFLUX's (workspace vector store).
CREATE DATABASE n8n;
\connect ionflux
CREATE EXTENSION IF NOT EXISTS vector;
