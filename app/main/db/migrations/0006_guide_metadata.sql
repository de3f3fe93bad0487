ALTER TABLE `channels` ADD `logo` text;--> statement-breakpoint
ALTER TABLE `channels` ADD `group_name` text;--> statement-breakpoint
ALTER TABLE `channels` ADD `language` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `description` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `genre` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `year` integer;