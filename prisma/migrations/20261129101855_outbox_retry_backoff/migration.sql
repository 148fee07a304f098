-- AlterTable
ALTER TABLE "outbox_messages" ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3);
