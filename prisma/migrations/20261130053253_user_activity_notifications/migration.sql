-- AlterTable
-- A constant default: PostgreSQL 11+ adds the column without rewriting the table, and
-- every existing user keeps getting activity notifications.
ALTER TABLE "users" ADD COLUMN     "activity_notifications" BOOLEAN NOT NULL DEFAULT true;
