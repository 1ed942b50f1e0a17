// Placeholder entry replaced by the real CLI in the next commit.
console.log('kthw');
