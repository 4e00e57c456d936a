console.log('billing up');
